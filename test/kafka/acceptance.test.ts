/**
 * The acceptance test of the Kafka and JDBC connectors (issue 9): 20 000 JSON events `{key, ts, n}`
 * over ~20 s of event time in a 4-partition topic → the job of fixtures/jobs/kafka-acceptance.ts at
 * parallelism 2 on a JobManager and two one-slot TaskManager processes (KafkaSource with
 * bounded-out-of-orderness watermarks → keyBy(key) → 1 s tumbling event-time count → an
 * exactly-once KafkaSink and an exactly-once PostgreSQL JdbcSink, a checkpoint every 200 ms).
 * A quarter of the events is in the topic before the job starts, the rest is produced while it
 * runs, the last batch only after a TaskManager has been killed with SIGKILL twice (a replacement
 * started each time), so both kills land mid-run. The source stops at the known end offsets, so the
 * job FINISHES; then Kafka's Java `read_committed` consumer and a SQL query must each see every
 * window result exactly once, equal to the counts computed here from the input.
 *
 * Runs the CLI and cluster from dist/: `npm run build` first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from '../distributed/session-cluster-support.js';
import { startPostgresDatabase, type JdbcTestDatabase } from '../jdbc/jdbc-test-database.js';
import { type KafkaBroker, kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { postgresAvailable } from '../support/postgres-server.js';
import { describeWithServer, type ServerAvailability } from '../support/server-availability.js';
import {
  acceptanceEvents,
  expectedWindowCounts,
  sortRows,
  type AcceptanceEvent,
  type WindowCountRow,
} from './acceptance-events.js';
import { readUntilEndMarkers, testKafka, uniqueTopic, writeEndMarkers } from './sink-test-support.js';
import { waitFor } from '../support/cli.js';
import { checkpointCounts, killOneTaskManager } from '../distributed/task-manager-chaos.js';

const PARTITIONS = 4;
const EVENTS = 20_000;
const BATCH = 500;
const PRODUCED_BEFORE_START = EVENTS / 4;
const WINDOW_MS = 1000;
const TABLE = 'window_counts';

function kafkaAndPostgres(): ServerAvailability {
  const kafka = kafkaAvailable();
  return kafka.ok ? postgresAvailable() : kafka;
}

async function produce(
  send: (messages: { partition: number; value: string }[]) => Promise<unknown>,
  events: readonly AcceptanceEvent[],
): Promise<void> {
  for (let from = 0; from < events.length; from += BATCH) {
    await send(
      events
        .slice(from, from + BATCH)
        .map((e) => ({ partition: e.n % PARTITIONS, value: JSON.stringify(e) })),
    );
  }
}

describeWithServer(
  'Kafka → windows → Kafka and PostgreSQL exactly-once, TaskManagers killed twice',
  kafkaAndPostgres,
  () => {
    let broker: KafkaBroker;
    let postgres: JdbcTestDatabase;
    let checkpointDir: string | undefined;

    beforeAll(async () => {
      [broker, postgres] = await Promise.all([startKafkaBroker(), startPostgresDatabase()]);
    }, 300_000);

    afterEach(async () => {
      await stopClusters();
      if (checkpointDir !== undefined) await rm(checkpointDir, { recursive: true, force: true });
    }, 30_000);

    afterAll(async () => {
      await Promise.all([broker?.stop(), postgres?.stop()]);
    }, 60_000);

    it('a read_committed consumer and a SQL query each see every window count exactly once', async () => {
      const events = acceptanceEvents({
        events: EVENTS,
        spanMs: 20_000,
        jitterMs: 200,
        baseTs: 1_700_000_000_000,
        keys: 10,
        seed: 9,
      });
      const expected = expectedWindowCounts(events, WINDOW_MS);
      const input = uniqueTopic('acceptance-in');
      const output = uniqueTopic('acceptance-out');
      await broker.createTopic(input, PARTITIONS);
      await broker.createTopic(output, PARTITIONS);
      await postgres.query(`CREATE TABLE ${TABLE} (window_start BIGINT, key VARCHAR(16), count BIGINT)`);

      const producer = testKafka(broker.bootstrapServers, 'acceptance-producer').producer();
      await producer.connect();
      try {
        const send = (messages: { partition: number; value: string }[]) =>
          producer.send({ topic: input, messages });
        await produce(send, events.slice(0, PRODUCED_BEFORE_START));

        checkpointDir = await mkdtemp(join(tmpdir(), 'freshet-kafka-acceptance-'));
        const cluster = await startCluster(2, 1, {
          'state.checkpoints.dir': `file://${checkpointDir}`,
          'restart-strategy.type': 'fixed-delay',
          'restart-strategy.fixed-delay.attempts': 10,
          'restart-strategy.fixed-delay.delay': '200 ms',
        });
        const jobId = await submitDetached(cluster, 'kafka-acceptance.ts', 2, [
          broker.bootstrapServers,
          input,
          String(PARTITIONS),
          String(EVENTS / PARTITIONS),
          output,
          postgres.url,
          TABLE,
          'acceptance-group',
          'acceptance',
        ]);

        // The rest while the job runs, paced by the job's progress (a batch, then one more
        // checkpoint, every 200 ms while running); the last batch waits for both kills.
        const checkpointActivity = async (): Promise<number> => {
          const counts = await checkpointCounts(cluster, jobId);
          return counts.completed + counts.failed + counts.restored;
        };
        let killed!: () => void;
        const bothKilled = new Promise<void>((resolve) => (killed = resolve));
        const lastBatch = EVENTS - BATCH;
        const producing = (async () => {
          for (let from = PRODUCED_BEFORE_START; from < lastBatch; from += BATCH) {
            const activity = await checkpointActivity();
            await produce(send, events.slice(from, Math.min(from + BATCH, lastBatch)));
            await waitFor(
              async () => (await checkpointActivity()) > activity,
              60_000,
              () => `checkpoint activity after ${activity} while producing`,
              50,
            );
          }
          await bothKilled;
          await produce(send, events.slice(lastBatch));
        })();
        producing.catch(() => undefined); // awaited below; a kill failing first must not leave it unhandled

        await killOneTaskManager(cluster, jobId);
        // Output is committed only by checkpoints, and the input is not complete yet.
        const [midRun] = await postgres.query<{ rows: unknown }>(`SELECT COUNT(*) AS rows FROM ${TABLE}`);
        expect(Number(midRun?.rows)).toBeLessThan(expected.length);
        await killOneTaskManager(cluster, jobId);
        killed();
        await producing;

        await waitForJobFinished(cluster, jobId, 120_000);
        expect((await checkpointCounts(cluster, jobId)).restored).toBeGreaterThanOrEqual(2);

        // Kafka: every window count exactly once among the committed records.
        await writeEndMarkers(broker.bootstrapServers, output, PARTITIONS);
        const committed = await readUntilEndMarkers(
          broker.bootstrapServers,
          output,
          PARTITIONS,
          'read_committed',
        );
        const fromKafka = committed.map((record) => {
          const row = JSON.parse(record.value) as WindowCountRow;
          expect(record.key).toBe(row.key);
          return { windowStart: row.windowStart, key: row.key, count: row.count };
        });
        expect(sortRows(fromKafka)).toEqual(expected);

        // PostgreSQL: the same rows, each once, and no prepared transaction left behind.
        const fromTable = await postgres.query<{ window_start: unknown; key: string; count: unknown }>(
          `SELECT window_start, key, count FROM ${TABLE}`,
        );
        expect(
          sortRows(
            fromTable.map((r) => ({
              windowStart: Number(r.window_start),
              key: r.key,
              count: Number(r.count),
            })),
          ),
        ).toEqual(expected);
        expect(await postgres.preparedTransactions()).toEqual([]);
      } finally {
        await producer.disconnect();
      }
    }, 240_000);
  },
);
