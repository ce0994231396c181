/**
 * End to end through the built CLI (`dist/`, built before tests by `pnpm test`): a tiny run forks a
 * worker per SDK and scenario and prints the table; a tiny server run spawns the built server;
 * bad options fail.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('pnpm bench (dist/main.js)', () => {
  it('is built', () => {
    expect(existsSync(MAIN), 'run `pnpm build` in packages/bench first').toBe(true);
  });

  it('runs each SDK and scenario in a child process and prints the table', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      MAIN,
      '--suite',
      'eval',
      '--quick',
      '--sdk',
      'ensign,configcat',
      '--evals',
      '20000',
      '--warmup',
      '1000',
    ]);
    expect(stderr).toMatch(/run 1\/1 ensign\/A/);
    expect(stderr).toMatch(/run 1\/1 configcat\/B/);
    expect(stdout).toMatch(
      /\| @ensign\/core@[\d.]+ \| A: .* \| 1\.00× \| \d+ \| \d+\.\d % of DE\/FR\/NL · \d+\.\d % overall \|/,
    );
    expect(stdout).toMatch(/\| configcat-node@[\d.]+ \| B: .* \| 100\.0 % ON \(rule 20\) \|/);
    expect(stdout).toContain('Targets:');
  });

  it('runs the server benchmarks alone with --suite server: a server per start, writes from another process', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      MAIN,
      '--suite',
      'server',
      '--flags',
      '40',
      '--starts',
      '1',
      '--warmup-writes',
      '20',
      '--writes',
      '50',
      '--concurrency',
      '4',
      '--concurrent-writes',
      '100',
      '--phase-seconds',
      '5',
    ]);
    expect(stderr).toMatch(/start 1\/1: ready in [\d.]+ ms/);
    expect(stdout).toMatch(
      /\| flag write committed, 1 in flight: p99 \(p50\) \| [\d.,]+ ms \([\d.,]+ ms\) \|/,
    );
    expect(stdout).toMatch(/\| 1 \| 50 \| /);
    expect(stdout).toMatch(/\| 4 \| 100 \| /);
    expect(stdout).toMatch(/\| \*\*first `\/readyz` 200\*\* \| [\d.,]+ \|/);
    expect(stdout).not.toContain('Targets:');
  }, 120_000);

  it('runs the delivery benchmarks alone with --suite delivery: streams and load from other processes', async () => {
    const { stdout, stderr } = await run(process.execPath, [
      MAIN,
      '--suite',
      'delivery',
      '--quick',
      '--clients',
      '200',
      '--changes',
      '2',
      '--streams',
      '400',
      '--client-workers',
      '2',
      '--rps-seconds',
      '1',
      '--delivery-flags',
      '5',
    ]);
    expect(stderr).toMatch(/200 streams open in [\d.]+ s \(2 client processes, \d+ server process(es)?\)/);
    expect(stderr).toMatch(/one change reached all 400/);
    expect(stdout).toMatch(
      /\| a change reaching 200 SSE clients \(server `--workers \d+`\): p99 .* \| not measured at the target size \|/,
    );
    expect(stdout).toMatch(/\| concurrent streams in one process, RSS \| 400 streams, [\d,]+ MiB/);
    expect(stdout).toMatch(/\| `POST \/ofrep\/v1\/evaluate\/flags\/scenario-a` \(1 flag\), median run/);
    expect(stdout).toMatch(/\| `POST \/sdk\/v1\/evaluate` \(7 flags\), median run/);
  }, 180_000);

  it('rejects an unknown suite', async () => {
    await expect(run(process.execPath, [MAIN, '--suite', 'sse'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown suite "sse"/),
    });
  });

  it('rejects an unknown SDK with a non-zero exit', async () => {
    await expect(run(process.execPath, [MAIN, '--sdk', 'flagsmith'])).rejects.toMatchObject({ code: 1 });
  });

  it('fails loudly when a worker fails', async () => {
    const worker = fileURLToPath(new URL('../dist/worker.js', import.meta.url));
    await expect(run(process.execPath, [worker, 'ensign', 'c'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown scenario "c"/),
    });
  });
});
