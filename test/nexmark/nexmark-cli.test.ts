/** A Nexmark query file run as a user runs it: `freshet run examples/nexmark/q1.ts -- ...` on the built CLI. */
import { join } from 'node:path';
import { generateEvents } from 'freshet/connectors';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, killRunningClis, makeTempDir, parsePrintLines, runCli } from '../support/cli.js';
import type { Q1Result } from '../../examples/nexmark/q1.js';
import { bidsOf, canonical } from './nexmark-reference.js';

const RUN_TIMEOUT_MS = 30_000;
const Q1 = join(EXAMPLES_DIR, 'nexmark', 'q1.ts');

let cwd: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  cwd = makeTempDir();
});
afterAll(() => {
  cwd.remove();
});
afterEach(() => {
  killRunningClis();
});

describe('freshet run examples/nexmark/q1.ts', () => {
  it('prints one converted bid per bid of the first 2000 events', async () => {
    const result = await runCli(['run', Q1, '-p', '2', '--', '--events', '2000', '--sink', 'print'], {
      cwd: cwd.path,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(result.code, result.stderr).toBe(0);
    const printed = parsePrintLines<Q1Result>(result.stdout);
    const bids = bidsOf(generateEvents({ events: 2000 }, 2000));
    expect(bids.length).toBeGreaterThan(1500);
    expect(printed).toHaveLength(bids.length);
    for (const { subtask } of printed) expect([1, 2]).toContain(subtask);
    // Prices compared in thousandths of a euro, where 0.908 * price is the integer 908 * price.
    const actual = printed.map(({ record: r }) => [
      r.auction,
      r.bidder,
      r.dateTime,
      Math.round(r.price * 1000),
    ]);
    const expected = bids.map((b) => [b.auction, b.bidder, b.dateTime, b.price * 908]);
    expect(canonical(actual)).toEqual(canonical(expected));
    expect(result.stderr).toMatch(/has finished/);
  });

  it('fails with the flag and the usage on a bad argument', async () => {
    const result = await runCli(['run', Q1, '--', '--sink', 'kafka'], {
      cwd: cwd.path,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--sink must be one of blackhole, print, collect, got "kafka"/);
    expect(result.stderr).toMatch(/usage: /);
    expect(result.stdout).toBe('');
  });
});
