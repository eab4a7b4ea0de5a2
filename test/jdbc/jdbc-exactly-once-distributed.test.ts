/**
 * The exactly-once JDBC acceptance test: the job of fixtures/jobs/jdbc-exactly-once.ts at
 * parallelism 2 on two TaskManager processes (one slot each), writing the same numbered rows into
 * PostgreSQL and MariaDB through exactly-once JdbcSinks with a checkpoint every 200 ms. A
 * TaskManager is killed with SIGKILL twice mid-run (a replacement started each time): prepared and
 * open transactions of the killed attempts are committed or rolled back by the restore, so each
 * table must hold every row exactly once (its tables have no primary key: a duplicate would show).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { waitFor } from '../support/cli.js';
import { mariaDbAvailable } from '../support/mariadb-server.js';
import { postgresAvailable } from '../support/postgres-server.js';
import { describeWithServer, type ServerAvailability } from '../support/server-availability.js';
import {
  getJson,
  jobDetails,
  startCluster,
  stopClusters,
  submitDetached,
  waitForJobFinished,
} from '../distributed/session-cluster-support.js';
import {
  countIds,
  startMariaDbDatabase,
  startPostgresDatabase,
  type JdbcTestDatabase,
} from './jdbc-test-database.js';

const ROWS = 6000;
const RATE = 1000;
const TABLE = 'chaos_events';

function bothDatabases(): ServerAvailability {
  const postgres = postgresAvailable();
  return postgres.ok ? mariaDbAvailable() : postgres;
}

interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number };
}

const checkpoints = (cluster: LocalSessionCluster, jobId: string): Promise<CheckpointCounts> =>
  getJson<CheckpointCounts>(cluster, `/jobs/${jobId}/checkpoints`);

async function waitForAllRunning(cluster: LocalSessionCluster, jobId: string): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const job = await jobDetails(cluster, jobId);
      last = `${job.state} ${JSON.stringify(job.vertices.map((v) => v.tasks))}`;
      if (job.state === 'FAILED' || job.state === 'FINISHED') {
        const exceptions = await getJson(cluster, `/jobs/${jobId}/exceptions`);
        throw new Error(`the job ended early (${job.state}): ${JSON.stringify(exceptions).slice(0, 2000)}`);
      }
      return job.state === 'RUNNING' && job.vertices.every((v) => v.tasks['RUNNING'] === v.parallelism);
    },
    60_000,
    () => `every subtask RUNNING (last: ${last})`,
    50,
  );
}

/** After the next completed checkpoint and a random pause, SIGKILLs a TaskManager and starts another. */
async function killOneTaskManager(cluster: LocalSessionCluster, jobId: string): Promise<void> {
  await waitForAllRunning(cluster, jobId);
  const before = (await checkpoints(cluster, jobId)).counts.completed;
  await waitFor(
    async () => (await checkpoints(cluster, jobId)).counts.completed > before,
    30_000,
    () => `a completed checkpoint after ${before}`,
    50,
  );
  await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 500)));
  const alive = cluster.taskManagers.filter(
    (tm) => tm.child.exitCode === null && tm.child.signalCode === null,
  );
  alive[Math.floor(Math.random() * alive.length)]!.child.kill('SIGKILL');
  await cluster.startTaskManager();
}

describeWithServer(
  'JDBC exactly-once sinks with TaskManagers killed (PostgreSQL and MariaDB)',
  bothDatabases,
  () => {
    let postgres: JdbcTestDatabase;
    let mariadb: JdbcTestDatabase;
    let checkpointDir: string;
    beforeAll(async () => {
      [postgres, mariadb] = await Promise.all([startPostgresDatabase(), startMariaDbDatabase()]);
      await postgres.createTable(TABLE, false);
      await mariadb.createTable(TABLE, false);
      checkpointDir = mkdtempSync(join(tmpdir(), 'freshet-jdbc-chaos-'));
    });
    afterEach(async () => {
      await stopClusters();
    }, 30_000);
    afterAll(async () => {
      await Promise.all([postgres?.stop(), mariadb?.stop()]);
      rmSync(checkpointDir, { recursive: true, force: true });
    });

    it('writes every row exactly once into both databases', async () => {
      const cluster = await startCluster(2, 1, {
        'state.checkpoints.dir': `file://${checkpointDir}`,
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 10,
        'restart-strategy.fixed-delay.delay': '200 ms',
      });
      const jobId = await submitDetached(cluster, 'jdbc-exactly-once.ts', 2, [
        String(ROWS),
        String(RATE),
        TABLE,
        postgres.url,
        mariadb.url,
      ]);

      await killOneTaskManager(cluster, jobId);
      // Rows are committed only by checkpoints: mid-run the tables hold a prefix of whole checkpoints.
      expect((await countIds(postgres, TABLE)).count).toBeLessThan(ROWS);
      await killOneTaskManager(cluster, jobId);

      await waitForJobFinished(cluster, jobId, 120_000);
      expect((await checkpoints(cluster, jobId)).counts.restored).toBeGreaterThanOrEqual(2);
      expect(await countIds(postgres, TABLE)).toEqual({ count: ROWS, distinct: ROWS });
      expect(await countIds(mariadb, TABLE)).toEqual({ count: ROWS, distinct: ROWS });
      const [range] = await postgres.query<{ min: unknown; max: unknown }>(
        `SELECT MIN(id) AS min, MAX(id) AS max FROM ${TABLE}`,
      );
      expect([Number(range?.min), Number(range?.max)]).toEqual([0, ROWS - 1]);
      expect(await postgres.preparedTransactions()).toEqual([]);
      expect(await mariadb.preparedTransactions()).toEqual([]);
    }, 180_000);
  },
);
