/**
 * Another process's resident memory and open-file limit, from Linux's /proc/<pid>/status and
 * /proc/<pid>/limits: what the concurrent-streams measurement reports and plans around.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `VmRSS` in bytes from the text of /proc/<pid>/status (the kernel writes it in kB). */
export function parseVmRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error('no VmRSS line in the status text');
  return Number(match[1]) * 1024;
}

/** The soft "Max open files" limit from the text of /proc/<pid>/limits; undefined when unlimited. */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (match === null) throw new Error('no "Max open files" line in the limits text');
  return match[1] === 'unlimited' ? undefined : Number(match[1]);
}

/** Resident set size of `pid` in bytes (throws off Linux: this measurement needs /proc). */
export function residentBytes(pid: number): number {
  return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Child processes of `pid` (Linux: /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s !== '')
      .map(Number),
  );
}

/** Resident set size of `pid` and all its descendants (a server with `--workers`), in bytes. */
export function treeResidentBytes(pid: number): number {
  return residentBytes(pid) + childPids(pid).reduce((sum, child) => sum + treeResidentBytes(child), 0);
}

/** The soft open-files limit of `pid`; undefined when unlimited. */
export function openFilesLimit(pid: number): number | undefined {
  return parseOpenFilesLimit(readFileSync(`/proc/${pid}/limits`, 'utf8'));
}

/** Open file descriptors of `pid` right now. */
export function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
