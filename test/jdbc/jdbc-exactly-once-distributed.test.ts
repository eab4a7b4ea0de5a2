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
import { mariaDbAvailable } from '../support/mariadb-server.js';
import { postgresAvailable } from '../support/postgres-server.js';
import { describeWithServer, type ServerAvailability } from '../support/server-availability.js';
import {
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
import { checkpointCounts, killOneTaskManager } from '../distributed/task-manager-chaos.js';

const ROWS = 6000;
const RATE = 1000;
const TABLE = 'chaos_events';

function bothDatabases(): ServerAvailability {
  const postgres = postgresAvailable();
  return postgres.ok ? mariaDbAvailable() : postgres;
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

      await killOneTaskManager(cluster, jobId, 500);
      // Rows are committed only by checkpoints: mid-run the tables hold a prefix of whole checkpoints.
      expect((await countIds(postgres, TABLE)).count).toBeLessThan(ROWS);
      await killOneTaskManager(cluster, jobId, 500);

      await waitForJobFinished(cluster, jobId, 120_000);
      expect((await checkpointCounts(cluster, jobId)).restored).toBeGreaterThanOrEqual(2);
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
