/**
 * Exactly-once recovery on the embedded cluster: the numbered-events windows job
 * (fixtures/shared/numbered-events-windows.ts: a rate-limited replayable source → keyBy → 1 s
 * tumbling event-time windows counting and summing) → FileSink, with checkpoints every 50 ms and a
 * map after the source that fails once in the middle of the run. After the restart from the latest checkpoint the
 * committed part files must hold exactly the failure-free result.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import { FileSink } from 'freshet/connectors';
import { committedLocalRows, expectedWindowRows } from '../distributed/windows-job-output.js';
import {
  countAndSumPerWindow,
  numberedEvents,
  type WindowResult,
} from '../fixtures/shared/numbered-events-windows.js';

const EVENTS = 4000;
const FAIL_AT = Number(process.env['FAIL_AT'] ?? 3000);

let failedOnce = false;
const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe('exactly-once recovery (embedded cluster)', () => {
  it('restores from the latest checkpoint after a task failure: no window lost or duplicated', async () => {
    const output = await mkdtemp(join(tmpdir(), 'freshet-eo-out-'));
    const checkpoints = await mkdtemp(join(tmpdir(), 'freshet-eo-ckpt-'));
    directories.push(output, checkpoints);
    failedOnce = false;
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(50);
    env.configure({
      'state.checkpoints.dir': `file://${checkpoints}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '3',
      'restart-strategy.fixed-delay.delay': '10 ms',
    });
    const events = numberedEvents(env, EVENTS, 4000).map((e) => {
      if (!failedOnce && e.id === FAIL_AT) {
        failedOnce = true;
        throw new Error('injected failure');
      }
      return e;
    });
    countAndSumPerWindow(events).sinkTo(FileSink.forRowFormat<WindowResult>(output).build());
    const result = await env.execute('local-exactly-once');
    expect(failedOnce).toBe(true);
    expect(result).toBeDefined();
    expect(await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`))).toEqual(
      expectedWindowRows(EVENTS),
    );
  }, 60_000);
});
