/** A description of the machine a benchmark ran on, for the report. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpuModel: string;
  /** Logical CPUs available to this process. */
  cores: number;
  node: string;
  os: string;
  memoryGiB: number;
}

/**
 * The CPU from /proc/cpuinfo: model name plus family, model and clock, since VMs often report only
 * a generic name ("AMD EPYC"). Falls back to `os.cpus()` off Linux.
 */
function cpuModel(): string {
  let info: string;
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch (e) {
    // Not Linux: os.cpus() still names the CPU.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return os.cpus()[0]?.model.trim() ?? 'unknown';
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1]?.trim();
  const name = field('model name') ?? os.cpus()[0]?.model.trim() ?? 'unknown';
  const family = field('cpu family');
  const model = field('model');
  const mhz = field('cpu MHz');
  const details = [
    family !== undefined && model !== undefined ? `family ${family} model ${model}` : undefined,
    mhz !== undefined ? `${Math.round(Number(mhz))} MHz` : undefined,
  ].filter((d) => d !== undefined);
  return details.length > 0 ? `${name} (${details.join(', ')})` : name;
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/** 1-minute load average, a hint of how busy the machine was (e.g. other builds running). */
export function loadAverage(): number {
  return os.loadavg()[0] ?? 0;
}
