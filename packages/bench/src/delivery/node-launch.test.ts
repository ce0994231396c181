import { describe, expect, it } from 'vitest';
import { launchCommand } from './node-launch.js';

describe('launchCommand', () => {
  it('raises the open-files limit (or to the hard limit) and execs node with its arguments', () => {
    expect(
      launchCommand({ args: ['s.js', '--x'], maxOpenFiles: 65_536, output: 'pipe' }, '/n', false),
    ).toEqual([
      '-c',
      'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"',
      'sh',
      '/n',
      's.js',
      '--x',
    ]);
  });

  it('pins to CPUs only when taskset exists, and passes node options before the script', () => {
    const launch = { args: ['s.js'], nodeArgs: ['--cpu-prof'], cpus: '0', output: 'pipe' } as const;
    expect(launchCommand(launch, '/n', true)).toEqual([
      '-c',
      'exec "$@"',
      'sh',
      'taskset',
      '-c',
      '0',
      '/n',
      '--cpu-prof',
      's.js',
    ]);
    expect(launchCommand(launch, '/n', false)).toEqual(['-c', 'exec "$@"', 'sh', '/n', '--cpu-prof', 's.js']);
  });
});
