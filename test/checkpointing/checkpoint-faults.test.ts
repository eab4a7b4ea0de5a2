/**
 * Checkpoints that fail while a job runs (embedded cluster), and what the job does about it:
 * - the S3 server holding the checkpoints goes away: every checkpoint fails, the job keeps running
 *   while the failures are within `execution.checkpointing.tolerable-failed-checkpoints`, then fails
 *   over — with restart strategy `none` it ends FAILED saying the threshold was exceeded;
 * - barriers stuck behind backpressure: checkpoints expire after `execution.checkpointing.timeout`,
 *   are counted as failed with an "expired" reason, and the job keeps running while tolerated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WatermarkStrategy } from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';
import { waitFor } from '../support/cli.js';
import { startS3TestServer, type S3TestServer } from '../support/s3-test-server.js';
import {
  captureEnvironment,
  checkpointStats,
  cleanUpMiniClusters,
  describeJob,
  discardingSink,
  resultWithin,
  submitOnMiniCluster,
} from './checkpoint-fault-support.js';

let server: S3TestServer | undefined;
afterEach(async () => {
  await cleanUpMiniClusters();
  await server?.stop();
  server = undefined;
});

/** Waits for `condition` on the job, failing early (with its state) when the job ends first. */
async function waitForJob(
  master: JobMaster,
  condition: () => boolean,
  deadlineMs: number,
  what: string,
): Promise<void> {
  await waitFor(
    () => {
      if (condition()) return true;
      if (master.status !== 'RUNNING' && master.status !== 'CREATED') {
        throw new Error(`the job ended while waiting for ${what}: ${describeJob(master)}`);
      }
      return false;
    },
    deadlineMs,
    () => `${what} (${describeJob(master)})`,
    5,
  );
}

describe('checkpoint storage becomes unreachable', () => {
  it('tolerates 2 failed checkpoints, then fails the job (restart strategy none) naming the threshold', async () => {
    server = await startS3TestServer();
    const env = captureEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(100);
    env.configure({
      'state.checkpoints.dir': `s3://${server.bucket}/ckpt`,
      's3.endpoint': server.endpoint,
      's3.path.style.access': true,
      's3.access-key': server.accessKey,
      's3.secret-key': server.secretKey,
      's3.region': 'us-east-1',
      'execution.checkpointing.tolerable-failed-checkpoints': 2,
      'restart-strategy.type': 'none',
    });
    env
      .fromSource(
        new DataGeneratorSource(
          (id) => ({ key: id % 8, count: 1 }),
          Number.POSITIVE_INFINITY,
          RateLimiterStrategy.perSecond(500),
        ),
        WatermarkStrategy.noWatermarks(),
        'events',
      )
      .keyBy((e) => e.key)
      .reduce((a, b) => ({ key: a.key, count: a.count + b.count }))
      .name('count per key')
      .sinkTo(discardingSink())
      .name('discard');
    const master = await submitOnMiniCluster(env.getPipeline('s3-unreachable'));

    await waitForJob(
      master,
      () => checkpointStats(master).counts.completed >= 2,
      20_000,
      '2 completed checkpoints',
    );
    const completedBefore = checkpointStats(master).counts.completed;
    await server.stop();

    // The first failures are tolerated: the job is still running with failed checkpoints counted.
    await waitForJob(
      master,
      () => checkpointStats(master).counts.failed >= 1,
      20_000,
      'a failed checkpoint while the job runs',
    );
    expect(master.status).toBe('RUNNING');

    const result = await resultWithin(master, 30_000);
    const stats = checkpointStats(master);
    expect(result.status).toBe('FAILED');
    expect(master.numRestarts).toBe(0);
    expect(stats.counts.completed).toBe(completedBefore);
    expect(stats.counts.failed).toBeGreaterThanOrEqual(3);
    const failed = stats.history.filter((entry) => entry.status === 'FAILED');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const entry of failed) {
      expect(entry.failureMessage).toContain('the asynchronous part of a task snapshot failed');
      expect(entry.failureMessage).toContain(`cannot reach S3 endpoint ${server.endpoint}`);
    }
    const message = result.failure?.message ?? '';
    expect(message).toContain('exceeded checkpoint tolerable failure threshold: 3 consecutive failures');
    expect(message).toContain('execution.checkpointing.tolerable-failed-checkpoints');
    expect(message).toContain(server.endpoint);
    expect(master.failureHistory).toHaveLength(1);
    expect(master.failureHistory[0]!.error).toBe(result.failure);
  });
});

describe('a checkpoint that cannot pass backpressure in time', () => {
  it('expires after the timeout, counts as failed, and the job keeps running while tolerated', async () => {
    const env = captureEnvironment();
    env.setParallelism(1);
    env.enableCheckpointing(100);
    env.configure({
      'execution.checkpointing.timeout': '300 ms',
      'execution.checkpointing.tolerable-failed-checkpoints': 1000,
      'restart-strategy.type': 'none',
    });
    const padding = 'x'.repeat(1000);
    env
      .fromSource(
        new DataGeneratorSource((i) => ({ i, padding }), Number.POSITIVE_INFINITY),
        WatermarkStrategy.noWatermarks(),
        'fast source',
      )
      .rebalance()
      .map((record) => {
        const until = performance.now() + 2;
        while (performance.now() < until) {
          // a slow operator: the queue in front of it is full, so a barrier waits behind records
        }
        return record;
      })
      .name('slow map')
      .sinkTo(discardingSink())
      .name('discard');
    const master = await submitOnMiniCluster(env.getPipeline('expiring-checkpoints'));

    await waitForJob(
      master,
      () => checkpointStats(master).counts.failed >= 3,
      30_000,
      '3 expired checkpoints',
    );
    const stats = checkpointStats(master);
    expect(master.status).toBe('RUNNING');
    expect(master.numRestarts).toBe(0);
    expect(master.failureHistory).toHaveLength(0);
    expect(stats.latest.failed?.failureMessage).toMatch(
      /expired before completing: \d+ of 2 tasks acknowledged within 300 ms/,
    );
    const failed = stats.history.filter((entry) => entry.status === 'FAILED');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const entry of failed) {
      expect(entry.failureMessage).toContain('expired');
      expect(entry.endToEndDuration).toBeGreaterThanOrEqual(300);
      expect(entry.numAcknowledgedSubtasks).toBeLessThan(entry.numSubtasks);
    }

    master.cancel();
    expect((await resultWithin(master, 10_000)).status).toBe('CANCELED');
  });
});
