/**
 * The exactly-once KafkaSink across real processes: the job of
 * fixtures/jobs/kafka-sink-exactly-once.ts at parallelism 2 on a JobManager and two one-slot
 * TaskManager processes, checkpointing every 200 ms to a shared directory. A TaskManager is killed
 * with SIGKILL at a random moment after a completed checkpoint, twice, and a replacement started
 * each time. The restored writers commit the checkpoint's transactions and abort the ones the
 * killed process left open; when the job has finished, a `read_committed` consumer sees every
 * record exactly once (and is not held up by an open transaction).
 *
 * Runs the CLI and cluster from dist/: `npm run build` first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { kafkaAvailable } from '../support/kafka-broker.js';
import { useKafkaBroker } from './kafka-broker-lifecycle.js';
import { describeWithServer } from '../support/server-availability.js';
import {
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from '../distributed/session-cluster-support.js';
import { countValues, readUntilEndMarkers, uniqueTopic, writeEndMarkers } from './sink-test-support.js';
import { checkpointCounts, killOneTaskManager } from '../distributed/task-manager-chaos.js';

const RECORDS = 30_000;
const RATE = 2_000;

describeWithServer('KafkaSink exactly-once with TaskManagers killed (real processes)', kafkaAvailable, () => {
  const kafka = useKafkaBroker();
  let checkpoints: string | undefined;

  afterEach(async () => {
    await stopClusters();
    if (checkpoints !== undefined) await rm(checkpoints, { recursive: true, force: true });
  }, 30_000);

  it('a read_committed consumer sees every record exactly once after two kill -9 recoveries', async () => {
    const topic = uniqueTopic('eo-distributed');
    await kafka.broker.createTopic(topic, 4);
    checkpoints = await mkdtemp(join(tmpdir(), 'freshet-kafka-sink-ckpt-'));
    const cluster = await startCluster(2, 1, {
      'state.checkpoints.dir': `file://${checkpoints}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 10,
      'restart-strategy.fixed-delay.delay': '200 ms',
    });
    const jobId = await submitDetached(cluster, 'kafka-sink-exactly-once.ts', 2, [
      kafka.broker.bootstrapServers,
      topic,
      String(RECORDS),
      String(RATE),
      'eo-distributed',
    ]);

    await killOneTaskManager(cluster, jobId, 1500);
    await killOneTaskManager(cluster, jobId, 1500);

    await waitForJobFinished(cluster, jobId, 120_000);
    const counts = await checkpointCounts(cluster, jobId);
    expect(counts.restored).toBeGreaterThanOrEqual(2);

    await writeEndMarkers(kafka.broker.bootstrapServers, topic, 4);
    const committed = await readUntilEndMarkers(kafka.broker.bootstrapServers, topic, 4, 'read_committed');
    const seen = countValues(committed);
    const expected = Array.from({ length: RECORDS }, (_, i) => `v${i}`);
    expect(seen.size).toBe(RECORDS);
    expect(expected.every((value) => seen.get(value) === 1)).toBe(true);
    // The killed processes' open transactions were aborted, not committed: they are in the log only.
    const uncommitted = await readUntilEndMarkers(
      kafka.broker.bootstrapServers,
      topic,
      4,
      'read_uncommitted',
    );
    expect(uncommitted.length).toBeGreaterThanOrEqual(RECORDS);
  }, 240_000);
});
