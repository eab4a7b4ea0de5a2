/**
 * Stop-with-savepoint on the embedded cluster, with the numbered-events windows job (1 s tumbling
 * event-time windows per key) at parallelism 2 and no checkpoint interval, writing into a
 * two-phase sink whose rows become visible ("committed") only when a checkpoint or savepoint
 * completes, or (without checkpoints, as the FileSink) at the end of the input. `--drain` fires every window up to the stop point and commits it, then the job is
 * FINISHED; a plain stop keeps the unfired windows in the savepoint, and a run restored from it
 * continues them: both runs together committed every window exactly once. A stop whose savepoint
 * fails leaves the job running: the sources go on, and a later stop works.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TwoPhaseCommittingSink } from '../../api/connector/sink.js';
import { waitFor } from '../support/cli.js';
import { expectedWindowRows } from '../distributed/windows-job-output.js';
import {
  countAndSumPerWindow,
  numberedEvents,
  type WindowResult,
} from '../fixtures/shared/numbered-events-windows.js';
import {
  captureEnvironment,
  cleanUpMiniClusters,
  describeJob,
  resultWithin,
  submitOnMiniCluster,
  tempDirectory,
} from './checkpoint-fault-support.js';

/** Rows the sink writers received, and rows committed (the embedded cluster shares this memory). */
const written: string[] = [];
const committed: string[] = [];
/** Committables committed so far: committing is idempotent (a restore commits the savepoint's again). */
const committedIds = new Set<string>();

interface Committable {
  readonly id: string;
  readonly rows: readonly string[];
}
/** When set, the next prepareCommit throws: that snapshot (and so its savepoint) fails. */
const failures = { nextPrepareCommit: false };

const committingSink: TwoPhaseCommittingSink<WindowResult, Committable> = {
  createWriter: (context) => {
    let buffer: string[] = [];
    return {
      write: (row: WindowResult) => {
        const line = JSON.stringify(row);
        written.push(line);
        buffer.push(line);
      },
      flush: (endOfInput) => {
        if (!endOfInput || context.checkpointingEnabled) return;
        committed.push(...buffer);
        buffer = [];
      },
      prepareCommit: (checkpointId) => {
        if (failures.nextPrepareCommit) {
          failures.nextPrepareCommit = false;
          throw new Error('prepareCommit failed on purpose');
        }
        const rows = buffer;
        buffer = [];
        return [{ id: `${context.indexOfSubtask}@${checkpointId}`, rows }];
      },
      close() {},
    };
  },
  createCommitter: () => ({
    commit: (committables: Committable[]) => {
      for (const { id, rows } of committables) {
        if (committedIds.has(id)) continue;
        committedIds.add(id);
        committed.push(...rows);
      }
      return Promise.resolve();
    },
  }),
};

/** Source at parallelism 1 (so the events it emitted are a prefix 0 … n-1), windows and sink at 2. */
function windowsJob(events: number, perSecond: number) {
  const env = captureEnvironment();
  env.setParallelism(2);
  env.configure({ 'restart-strategy.type': 'none', 'pipeline.auto-watermark-interval': '50 ms' });
  countAndSumPerWindow(numberedEvents(env, events, perSecond).setParallelism(1).uid('events'))
    .uid('windows')
    .sinkTo(committingSink)
    .uid('sink');
  return env.getPipeline('stop-with-savepoint');
}

/** The number of events the committed rows count. */
function eventsIn(rows: readonly string[]): number {
  return rows.reduce((sum, row) => sum + (JSON.parse(row) as WindowResult).count, 0);
}

afterEach(async () => {
  await cleanUpMiniClusters();
  written.length = 0;
  committed.length = 0;
  committedIds.clear();
  failures.nextPrepareCommit = false;
});

async function waitForWrittenRows(count: number, what: string): Promise<void> {
  await waitFor(
    () => written.length >= count,
    30_000,
    () => `${what} (${written.length} rows written)`,
  );
}

describe('stop-with-savepoint', () => {
  it('with drain fires and commits every window up to the stop point, and the job is FINISHED', async () => {
    const savepoints = await tempDirectory('freshet-stop-drain-');
    const master = await submitOnMiniCluster(windowsJob(1_000_000, 4_000));
    await waitForWrittenRows(16, 'two windows of every key');
    expect(committed).toEqual([]);

    const path = await master.stopWithSavepoint(savepoints, true);
    expect((await resultWithin(master, 30_000)).status, describeJob(master)).toBe('FINISHED');
    expect(existsSync(join(fileURLToPath(path), '_metadata'))).toBe(true);
    // Exactly the windows of the events emitted before the stop, the last (partial) ones included.
    const emitted = eventsIn(committed);
    expect(emitted).toBeGreaterThan(2 * 200); // two 1 s windows of 200 events each
    expect([...committed].sort()).toEqual(expectedWindowRows(emitted));
  }, 60_000);

  it('without drain keeps the open windows in the savepoint; the restored run continues exactly', async () => {
    const events = 12_000;
    const savepoints = await tempDirectory('freshet-stop-');
    const first = await submitOnMiniCluster(windowsJob(events, 4_000));
    await waitForWrittenRows(8, 'a window of every key');
    const path = await first.stopWithSavepoint(savepoints, false);
    expect((await resultWithin(first, 30_000)).status, describeJob(first)).toBe('FINISHED');
    const firstRun = [...committed];
    expect(firstRun.length).toBeGreaterThanOrEqual(8);
    // Not drained: the windows still open at the stop did not fire.
    expect(eventsIn(firstRun)).toBeLessThan(events);

    const second = await submitOnMiniCluster(windowsJob(events, 4_000), {
      savepoint: { path, allowNonRestoredState: false },
    });
    expect((await resultWithin(second, 30_000)).status, describeJob(second)).toBe('FINISHED');
    expect(committed.length).toBeGreaterThan(firstRun.length);
    expect([...committed].sort()).toEqual(expectedWindowRows(events));
  }, 90_000);

  it('a stop whose savepoint fails leaves the job running; the sources go on and a later stop works', async () => {
    const events = 12_000;
    const savepoints = await tempDirectory('freshet-stop-retry-');
    const master = await submitOnMiniCluster(windowsJob(events, 4_000));
    await waitForWrittenRows(8, 'a window of every key');
    failures.nextPrepareCommit = true;
    await expect(master.stopWithSavepoint(savepoints, false)).rejects.toMatchObject({
      code: 'CHECKPOINT_DECLINED',
    });
    expect(master.status).toBe('RUNNING');
    // The source resumed: windows keep firing.
    const before = written.length;
    await waitForWrittenRows(before + 8, 'more windows after the failed stop');

    const path = await master.stopWithSavepoint(savepoints, false);
    expect((await resultWithin(master, 30_000)).status, describeJob(master)).toBe('FINISHED');
    const restored = await submitOnMiniCluster(windowsJob(events, 4_000), {
      savepoint: { path, allowNonRestoredState: false },
    });
    expect((await resultWithin(restored, 30_000)).status, describeJob(restored)).toBe('FINISHED');
    expect([...committed].sort()).toEqual(expectedWindowRows(events));
  }, 90_000);
});
