/**
 * Split enumerators (FLIP-27) on the embedded cluster: the test-only DiscoveringSequenceSource
 * (fixtures/shared/discovering-sequence-source.ts) discovers its splits over time on the
 * JobManager and hands them out on request to 2 readers; the numbers go to a two-phase FileSink.
 * Through a task failure, an enumerator failure (global failover) and a savepoint restored at
 * another parallelism, the committed files hold every number exactly once; the enumerator gets
 * back the splits its failed readers had not checkpointed, and a restored one continues from its
 * checkpointed discovery counter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatermarkStrategy, type Pipeline } from 'freshet';
import { FileSink, SimpleStringEncoder } from 'freshet/connectors';
import { committedLocalRows } from '../distributed/windows-job-output.js';
import {
  captureEnvironment,
  cleanUpMiniClusters,
  describeJob,
  resultWithin,
  submitOnMiniCluster,
  tempDirectory,
} from '../checkpointing/checkpoint-fault-support.js';
import {
  DiscoveringSequenceSource,
  discoveringSourceProbe,
  type DiscoveringSourceOptions,
} from '../fixtures/shared/discovering-sequence-source.js';
import { waitFor } from '../support/cli.js';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';

const OPTIONS: DiscoveringSourceOptions = {
  splits: 10,
  recordsPerSplit: 200,
  discoveryIntervalMs: 40,
  recordsPerSecond: 2_000,
};

/** The numbers a failing map let through; it throws once at `failAt`. */
const seen = new Set<number>();
let failAt: number | undefined;

interface JobSettings {
  readonly parallelism: number;
  readonly output: string;
  readonly checkpointIntervalMs: number;
  readonly options?: DiscoveringSourceOptions;
}

async function pipeline(name: string, settings: JobSettings): Promise<Pipeline> {
  const env = captureEnvironment();
  env.setParallelism(settings.parallelism);
  env.enableCheckpointing(settings.checkpointIntervalMs);
  env.configure({
    'state.checkpoints.dir': `file://${await tempDirectory('freshet-enum-ckpt-')}`,
    'restart-strategy.type': 'fixed-delay',
    'restart-strategy.fixed-delay.attempts': '3',
    'restart-strategy.fixed-delay.delay': '10 ms',
  });
  env
    .fromSource(
      new DiscoveringSequenceSource(settings.options ?? OPTIONS),
      WatermarkStrategy.forMonotonousTimestamps<number>(),
      'discovering numbers',
    )
    .uid('discovering-numbers')
    .map((n) => {
      if (n === failAt) {
        failAt = undefined;
        throw new Error('injected task failure');
      }
      seen.add(n);
      return n;
    })
    .uid('maybe-fail')
    .sinkTo(FileSink.forRowFormat<number>(settings.output, new SimpleStringEncoder<number>()).build())
    .uid('files');
  return env.getPipeline(name);
}

async function committedNumbers(...directories: string[]): Promise<number[]> {
  const rows: string[] = [];
  for (const directory of directories) {
    rows.push(...(await committedLocalRows(directory, (file) => expect.fail(`unexpected file ${file}`))));
  }
  return rows.map(Number).sort((a, b) => a - b);
}

function allNumbers(options: DiscoveringSourceOptions = OPTIONS): number[] {
  return new DiscoveringSequenceSource(options).expectedNumbers();
}

async function finished(master: JobMaster): Promise<void> {
  const result = await resultWithin(master, 60_000);
  expect(result.status, `${describeJob(master)} ${result.failure?.message ?? ''}`).toBe('FINISHED');
}

beforeEach(() => {
  discoveringSourceProbe.reset();
  seen.clear();
  failAt = undefined;
});

afterEach(async () => {
  await cleanUpMiniClusters();
});

describe('split enumerators on the JobManager (embedded cluster)', () => {
  it('gives every split assigned to the failed readers back to the enumerator when no checkpoint completed', async () => {
    const output = await tempDirectory('freshet-enum-out-');
    // The first checkpoint is due long after the failure: the restart starts from nothing.
    failAt = 3 * OPTIONS.recordsPerSplit + 17;
    const master = await submitOnMiniCluster(
      await pipeline('enumerated-no-checkpoint', { parallelism: 2, output, checkpointIntervalMs: 2_000 }),
    );
    await finished(master);
    expect(master.numRestarts).toBe(1);
    // Splits 0-3 at least were out when the map failed; each came back once, from its subtask.
    const back = discoveringSourceProbe.addedBack.map((entry) => entry.splitId);
    for (const splitId of ['range-0', 'range-1', 'range-2', 'range-3']) expect(back).toContain(splitId);
    expect(new Set(back).size).toBe(back.length);
    expect(discoveringSourceProbe.started).toBe(1);
    expect(await committedNumbers(output)).toEqual(allNumbers());
  }, 90_000);

  it('commits every number exactly once across a task failure between frequent checkpoints', async () => {
    const output = await tempDirectory('freshet-enum-out-');
    failAt = 6 * OPTIONS.recordsPerSplit + 101;
    const master = await submitOnMiniCluster(
      await pipeline('enumerated-task-failure', { parallelism: 2, output, checkpointIntervalMs: 50 }),
    );
    await finished(master);
    expect(master.numRestarts).toBe(1);
    expect(master.checkpointCoordinator.checkpointStats().counts.restored).toBeGreaterThanOrEqual(1);
    // The enumerator lived on (a task failure does not recreate it).
    expect(discoveringSourceProbe.started).toBe(1);
    expect(discoveringSourceProbe.restoredFrom).toEqual([]);
    // Completed checkpoints reached the enumerator and both readers.
    const completed = master.checkpointCoordinator.checkpointStats().counts.completed;
    expect(discoveringSourceProbe.enumeratorCheckpointsCompleted).toBe(completed);
    expect(discoveringSourceProbe.readerCheckpointsCompleted).toBeGreaterThanOrEqual(2);
    expect(await committedNumbers(output)).toEqual(allNumbers());
  }, 90_000);

  it('recreates a failed enumerator from the latest checkpoint (global failover)', async () => {
    const output = await tempDirectory('freshet-enum-out-');
    const options = { ...OPTIONS, discoveryIntervalMs: 60, failDiscoveryAt: 6 };
    const master = await submitOnMiniCluster(
      await pipeline('enumerated-enumerator-failure', {
        parallelism: 2,
        output,
        checkpointIntervalMs: 50,
        options,
      }),
    );
    await finished(master);
    expect(master.numRestarts).toBe(1);
    const root = master.failureHistory[0]?.error.message ?? '';
    expect(root).toContain("the split enumerator of 'Source: discovering numbers' failed");
    expect(root).toContain('injected discovery failure');
    // Restored with the discovery counter of a checkpoint taken before the failure: it continues.
    expect(discoveringSourceProbe.restoredFrom).toHaveLength(1);
    expect(discoveringSourceProbe.restoredFrom[0]).toBeGreaterThan(0);
    expect(discoveringSourceProbe.restoredFrom[0]).toBeLessThanOrEqual(6);
    expect(discoveringSourceProbe.started).toBe(2);
    expect(await committedNumbers(output)).toEqual(allNumbers(options));
  }, 90_000);

  it('restores the enumerator from a savepoint at another parallelism and continues discovering', async () => {
    const first = await tempDirectory('freshet-enum-out-');
    const second = await tempDirectory('freshet-enum-out-');
    const savepoints = await tempDirectory('freshet-enum-sp-');
    const options = { ...OPTIONS, splits: 16, discoveryIntervalMs: 50, recordsPerSecond: 1_000 };
    const before = await submitOnMiniCluster(
      await pipeline('enumerated-before-savepoint', {
        parallelism: 2,
        output: first,
        checkpointIntervalMs: 100,
        options,
      }),
    );
    await waitFor(
      () => seen.size >= 4 * options.recordsPerSplit,
      30_000,
      () => `4 splits read (${seen.size} numbers; ${describeJob(before)})`,
    );
    const savepoint = await before.stopWithSavepoint(savepoints, false);
    expect((await resultWithin(before, 30_000)).status).toBe('FINISHED');
    expect(discoveringSourceProbe.restoredFrom).toEqual([]);

    const after = await submitOnMiniCluster(
      await pipeline('enumerated-after-savepoint', {
        parallelism: 3,
        output: second,
        checkpointIntervalMs: 100,
        options,
      }),
      { savepoint: { path: savepoint, allowNonRestoredState: false } },
    );
    await finished(after);
    expect(discoveringSourceProbe.restoredFrom).toHaveLength(1);
    expect(discoveringSourceProbe.restoredFrom[0]).toBeGreaterThan(0);
    expect(discoveringSourceProbe.restoredFrom[0]).toBeLessThan(options.splits);
    expect(await committedNumbers(first, second)).toEqual(allNumbers(options));
  }, 90_000);
});
