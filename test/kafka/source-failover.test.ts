/**
 * KafkaSource exactly-once through failures: fixtures/jobs/kafka-source-to-files.ts runs at
 * parallelism 2 on two TaskManager processes, reading a 4-partition topic while the test is still
 * producing into it, and writes with the (two-phase) FileSink, checkpointing every 300 ms. A
 * TaskManager is killed with SIGKILL after a completed checkpoint and a replacement started; the
 * job restores the readers' offsets from the checkpoint. When it has read up to its stopping
 * offsets, the committed files must hold every record exactly once, and the group must have the
 * final offsets committed.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterEach, expect, it } from 'vitest';
import { committedLocalRows } from '../distributed/windows-job-output.js';
import {
  getJson,
  jobDetails,
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from '../distributed/session-cluster-support.js';
import { makeTempDir, waitFor } from '../support/cli.js';
import { type KafkaBroker, kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { describeWithServer } from '../support/server-availability.js';

const PARTITIONS = 4;
const PER_PARTITION = 1500;
const BATCHES = 30;

let broker: KafkaBroker | undefined;
const dirs: { remove(): void }[] = [];

afterEach(async () => {
  await stopClusters();
  await broker?.stop();
  broker = undefined;
  for (const dir of dirs.splice(0)) dir.remove();
}, 60_000);

interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number };
}

describeWithServer('KafkaSource exactly-once with a TaskManager killed', kafkaAvailable, () => {
  it('restores the checkpointed offsets: every record lands in the committed files exactly once', async () => {
    broker = await startKafkaBroker();
    await broker.createTopic('failover', PARTITIONS);
    const kafka = new Kafka({
      clientId: 'source-failover-test',
      brokers: [broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const admin = kafka.admin();
    await producer.connect();
    await admin.connect();
    const output = makeTempDir('freshet-kafka-failover-');
    dirs.push(output);
    try {
      const cluster = await startCluster(2, 1, {
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 10,
        'restart-strategy.fixed-delay.delay': '200 ms',
      });
      const jobId = await submitDetached(cluster, 'kafka-source-to-files.ts', 2, [
        broker.bootstrapServers,
        'failover',
        String(PARTITIONS),
        String(PER_PARTITION),
        output.path,
        'failover-group',
      ]);

      // Produce while the job runs, in batches: half before the kill, half after it, so that the
      // kill lands mid-stream.
      const perBatch = PER_PARTITION / BATCHES;
      let produced = 0;
      let replaced!: () => void;
      const afterKill = new Promise<void>((resolve) => (replaced = resolve));
      const producing = (async () => {
        for (let batch = 0; batch < BATCHES; batch++) {
          if (batch === BATCHES / 2) await afterKill;
          const messages = [];
          for (let partition = 0; partition < PARTITIONS; partition++) {
            for (let i = 0; i < perBatch; i++) {
              messages.push({ partition, value: `${partition}:${batch * perBatch + i}` });
            }
          }
          await producer.send({ topic: 'failover', messages });
          produced += messages.length;
        }
      })();

      const checkpoints = () => getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`);
      await waitFor(
        async () =>
          (await jobDetails(cluster, jobId)).state === 'RUNNING' &&
          (await checkpoints()).counts.completed > 0,
        60_000,
        'the job RUNNING with a completed checkpoint',
        100,
      );
      expect(produced).toBeLessThan(PARTITIONS * PER_PARTITION);
      const victim = cluster.taskManagers.find(
        (tm) => tm.child.exitCode === null && tm.child.signalCode === null,
      )!;
      victim.child.kill('SIGKILL');
      await cluster.startTaskManager();
      replaced();

      await producing;
      await waitForJobFinished(cluster, jobId, 120_000);
      expect((await checkpoints()).counts.restored).toBeGreaterThanOrEqual(1);

      const rows = await committedLocalRows(output.path, (name) => expect.fail(`unexpected file ${name}`));
      const expected = Array.from({ length: PARTITIONS }, (_, partition) =>
        Array.from({ length: PER_PARTITION }, (__, i) => `${partition}:${i}`),
      )
        .flat()
        .sort();
      expect(rows.length).toBe(expected.length);
      expect(rows).toEqual(expected);

      // The final checkpoint's offsets are committed to the group (for monitoring).
      let committed = '';
      await waitFor(
        async () => {
          const offsets = await admin
            .fetchOffsets({ groupId: 'failover-group', topics: ['failover'] })
            .catch((error: unknown) => {
              committed = String(error); // e.g. the group's coordinator still loading
              return undefined;
            });
          if (offsets === undefined) return false;
          committed = JSON.stringify(
            offsets[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset)),
          );
          return committed === JSON.stringify(Array.from({ length: PARTITIONS }, () => PER_PARTITION));
        },
        10_000,
        () =>
          `the final offsets committed to the group (last: ${committed}); TaskManager log: ${cluster.taskManagers
            .flatMap((tm) => tm.lines.filter((line) => JSON.stringify(line).includes('KafkaSource')))
            .slice(-10)
            .map((line) => JSON.stringify(line))
            .join('\n')}`,
        100,
      );
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }, 240_000);
});
