/**
 * Barrier alignment time travels with the acknowledgements: every task that aligns the barriers of
 * several input channels reports how long it took, and the JobMaster keeps it per checkpoint.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WatermarkStrategy } from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { waitFor } from '../support/cli.js';
import {
  captureEnvironment,
  cleanUpMiniClusters,
  describeJob,
  discardingSink,
  submitOnMiniCluster,
  tempDirectory,
} from './checkpoint-fault-support.js';

afterEach(async () => {
  await cleanUpMiniClusters();
});

describe('barrier alignment metrics', () => {
  it('reports one alignment duration per aligning task with each checkpoint', async () => {
    const checkpoints = await tempDirectory('freshet-alignment-ckpt-');
    const env = captureEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(50);
    env.configure({ 'state.checkpoints.dir': `file://${checkpoints}` });
    env
      .fromSource(
        new DataGeneratorSource(
          (id) => ({ key: id % 16, n: 1 }),
          Number.POSITIVE_INFINITY,
          RateLimiterStrategy.perSecond(2000),
        ),
        WatermarkStrategy.noWatermarks(),
        'events',
      )
      .keyBy((e) => e.key)
      .reduce((a, b) => ({ key: a.key, n: a.n + b.n }))
      .sinkTo(discardingSink());
    const master = await submitOnMiniCluster(env.getPipeline('alignment-metrics'));
    // The two keyed subtasks each read two source channels: they align, the sources do not.
    await waitFor(
      () => master.checkpointAlignmentDurations().some((c) => c.durationsMs.length === 2),
      30_000,
      () => `a checkpoint with two alignment reports (${describeJob(master)})`,
    );
    const complete = master.checkpointAlignmentDurations().find((c) => c.durationsMs.length === 2)!;
    for (const duration of complete.durationsMs) {
      expect(duration).toBeGreaterThanOrEqual(0);
      expect(duration).toBeLessThan(30_000);
    }
    master.cancel();
  }, 60_000);
});
