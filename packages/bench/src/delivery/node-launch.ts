/**
 * Node processes the delivery benchmark starts: through `sh -c` so that each gets a raised
 * open-files limit (`ulimit -n`, for this process tree only, never the machine's) and, where
 * `taskset` exists, a CPU to run on. Every process started here is tracked and SIGKILLed when the
 * benchmark exits, whatever the reason; `killTracked` (child-processes.ts) ends them after a failed run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { track } from '../child-processes.js';

export interface NodeLaunch {
  /** The script and its arguments, after node's own options. */
  args: readonly string[];
  nodeArgs?: readonly string[];
  /** Open-files limit wanted; when the hard limit is lower (and cannot be raised), the hard limit. */
  maxOpenFiles?: number;
  /** CPU list for `taskset -c` (e.g. "0"); ignored when taskset is unavailable. */
  cpus?: string | undefined;
  /**
   * Where stdout goes ('pipe', 'inherit', 'ignore' or a file descriptor); stderr is piped for a
   * descriptor, else the same. An IPC channel is opened too when `ipc` is set (as `fork` does).
   */
  output: 'pipe' | 'inherit' | 'ignore' | number;
  ipc?: boolean;
}

/**
 * The `sh` arguments that run node as `launch` says. The command line is a fixed script; node, the
 * options and the script path are passed as positional parameters, so nothing needs quoting.
 *
 * @example
 * launchCommand({ args: ['s.js'], maxOpenFiles: 65536, output: 'pipe' }, '/usr/bin/node', false)
 * // ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'sh', '/usr/bin/node', 's.js']
 */
export function launchCommand(launch: NodeLaunch, node: string, taskset: boolean): string[] {
  const raise =
    launch.maxOpenFiles === undefined
      ? ''
      : `ulimit -n ${Math.trunc(launch.maxOpenFiles)} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; `;
  const pin = taskset && launch.cpus !== undefined ? ['taskset', '-c', launch.cpus] : [];
  return ['-c', `${raise}exec "$@"`, 'sh', ...pin, node, ...(launch.nodeArgs ?? []), ...launch.args];
}

let tasksetAvailable: boolean | undefined;

/** Whether `taskset` (util-linux) can be run here. */
export function hasTaskset(): boolean {
  tasksetAvailable ??= spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  return tasksetAvailable;
}

/** Starts node as `launch` says; the process is tracked until it exits. */
export function launchNode(launch: NodeLaunch): ChildProcess {
  const out = launch.output;
  const err = typeof out === 'number' ? 'pipe' : out;
  return track(
    spawn('sh', launchCommand(launch, process.execPath, hasTaskset()), {
      stdio: launch.ipc ? ['ignore', out, err, 'ipc'] : ['ignore', out, err],
    }),
  );
}
