/**
 * Unaligned checkpoints on the embedded cluster: a fast source feeds a slow keyed window through a
 * network channel, so buffers are in flight whenever a checkpoint is taken. The barriers overtake
 * them: the checkpoint stores them (input channel and result subpartition state), a restore replays
 * them first, and the committed output still equals the failure-free result exactly.
 */
import { committedLocalRows, expectedWindowRows } from '../distributed/windows-job-output.js';
import { afterEach, describe, expect, it } from 'vitest';
import { TumblingEventTimeWindows, WatermarkStrategy } from 'freshet';
import { DataGeneratorSource, FileSink } from 'freshet/connectors';
import {
  captureEnvironment,
  cleanUpMiniClusters,
  describeJob,
  resultWithin,
  submitOnMiniCluster,
  tempDirectory,
} from './checkpoint-fault-support.js';

const EVENTS = 80_000;
const KEYS = 4;

interface Event {
  readonly id: number;
  readonly key: number;
  readonly ts: number;
}
interface WindowResult {
  key: number;
  start: number;
  count: number;
  sum: number;
}

/** The window fails once, at this event, well after the first checkpoints. */
const FAIL_AT = EVENTS - 2_000;
let failed = false;

afterEach(async () => {
  await cleanUpMiniClusters();
});

function busyWait(micros: number): void {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // a slow operator: backpressure keeps buffers in flight
  }
}

describe('unaligned checkpoints', () => {
  it('persist in-flight buffers and replay them on restore: exactly-once output', async () => {
    failed = false;
    const output = await tempDirectory('freshet-unaligned-out-');
    const checkpoints = await tempDirectory('freshet-unaligned-ckpt-');
    const env = captureEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(100);
    env.configure({
      'state.checkpoints.dir': `file://${checkpoints}`,
      'execution.checkpointing.unaligned.enabled': true,
      'state.checkpoints.num-retained': 1000,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '10 ms',
    });
    env
      .fromSource(
        new DataGeneratorSource<Event>((id) => ({ id, key: id % KEYS, ts: id }), EVENTS),
        WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
        'events',
      )
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate({
        createAccumulator: (): WindowResult => ({ key: -1, start: 0, count: 0, sum: 0 }),
        add: (e: Event, acc: WindowResult): WindowResult => {
          busyWait(100);
          if (e.id === FAIL_AT && !failed) {
            failed = true;
            throw new Error('injected failure after a checkpoint with in-flight data');
          }
          return {
            key: e.key,
            start: Math.floor(e.ts / 1000) * 1000,
            count: acc.count + 1,
            sum: acc.sum + e.id,
          };
        },
        getResult: (acc: WindowResult) => acc,
        merge: (a: WindowResult, b: WindowResult) => ({ ...a, count: a.count + b.count, sum: a.sum + b.sum }),
      })
      .sinkTo(FileSink.forRowFormat<WindowResult>(output).build());
    const master = await submitOnMiniCluster(env.getPipeline('unaligned-checkpoints'));

    const result = await resultWithin(master, 60_000);
    expect(result.status, describeJob(master)).toBe('FINISHED');
    expect(failed).toBe(true);
    expect(master.numRestarts).toBe(1);
    // The restore used a checkpoint that held in-flight buffers.
    const coordinator = master.checkpointCoordinator;
    const restoredId = coordinator.checkpointStats().latest.restored?.checkpointId;
    expect(restoredId, describeJob(master)).toBeDefined();
    const restored = coordinator.completedCheckpointStore.all().find((c) => c.checkpointId === restoredId)!;
    const inFlightFiles = restored.metadata.operatorStates
      .flatMap((op) => Object.values(op.subtaskStates))
      .reduce(
        (n, state) =>
          n + (state.inFlight?.inputChannels.length ?? 0) + (state.inFlight?.resultSubpartitions.length ?? 0),
        0,
      );
    expect(inFlightFiles).toBeGreaterThan(0);
    const rows = await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(EVENTS, { keys: KEYS, stepMs: 1 }));
  }, 90_000);
});
