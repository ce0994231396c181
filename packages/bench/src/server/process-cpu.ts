/**
 * CPU time another process has used, from Linux's /proc/<pid>/stat: how much of the machine's two
 * cores the server spent per write, next to what the load generator spent.
 */
import { readFileSync } from 'node:fs';

/**
 * Clock ticks per second of the `utime`/`stime` fields (USER_HZ). It is 100 on every Linux
 * architecture Node runs on; the kernel keeps it fixed for user space whatever its internal HZ.
 */
const USER_HZ = 100;

/**
 * User + system CPU milliseconds from the text of /proc/<pid>/stat. The command name (field 2) is in
 * parentheses and may contain spaces or parentheses itself, so fields are counted after the last `)`.
 */
export function parseProcStatCpuMs(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15): indexes 11 and 12 of `rest`.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable stat line: ${stat}`);
  return ((utime + stime) * 1000) / USER_HZ;
}

/** CPU milliseconds used so far by process `pid`, or undefined where /proc is not available. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // Not Linux (or the process is gone): the report leaves the column empty.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseProcStatCpuMs(stat);
}
