/**
 * The exactly-once JDBC sink against real PostgreSQL and MariaDB servers: rows stay invisible in
 * prepared transactions until the committer commits them, committing is idempotent, a restore rolls
 * back the subtask's lingering prepared transactions (and only those), and a job that fails in the
 * middle writes every row exactly once. PostgreSQL without prepared transactions fails clearly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import {
  DataGeneratorSource,
  JdbcConnectionOptions,
  JdbcExecutionOptions,
  JdbcSink,
  RateLimiterStrategy,
  type JdbcCommittable,
  type JdbcWriterState,
} from 'freshet/connectors';
import { WatermarkStrategy } from 'freshet';
import type { Committer, PrecommittingSinkWriter } from '../../api/connector/sink.js';
import {
  TestingSinkInitContext,
  TestingSinkWriterContext,
} from '../../connectors/testing/testing-sink-init-context.js';
import { describeWithServer } from '../support/server-availability.js';
import { postgresAvailable } from '../support/postgres-server.js';
import {
  countIds,
  JDBC_TEST_DATABASES,
  startPostgresDatabase,
  type JdbcTestDatabase,
} from './jdbc-test-database.js';

interface Row {
  readonly id: number;
  readonly v: string;
}

type Writer = PrecommittingSinkWriter<Row, JdbcCommittable, JdbcWriterState>;
const SINK_CONTEXT = new TestingSinkWriterContext();

const JOB = '0123456789abcdef0123456789abcdef';
const toParams = (row: Row): unknown[] => [row.id, row.v];
const context = (subtask: number, attempt: number): TestingSinkInitContext =>
  new TestingSinkInitContext({
    jobId: JOB,
    indexOfSubtask: subtask,
    parallelism: 2,
    attemptNumber: attempt,
    operatorUidOrId: 'orders',
    checkpointingEnabled: true,
  });

for (const kind of JDBC_TEST_DATABASES) {
  describeWithServer(`JdbcSink.exactlyOnceSink on ${kind.name}`, kind.available, () => {
    let database: JdbcTestDatabase;
    let tables = 0;
    const closers: (() => Promise<void> | void)[] = [];
    beforeAll(async () => {
      database = await kind.start();
    });
    afterAll(async () => {
      for (const close of closers.splice(0)) await close();
      await database?.stop();
    });

    const newTable = async (primaryKey = true): Promise<string> => {
      const table = `eo_${++tables}`;
      await database.createTable(table, primaryKey);
      return table;
    };
    const sinkFor = (table: string, batchSize = 100): JdbcSink<Row> =>
      JdbcSink.exactlyOnceSink(
        database.insertSql(table),
        toParams,
        JdbcExecutionOptions.builder().withBatchSize(batchSize).withRetryBackoffMs(50).build(),
        JdbcConnectionOptions.builder().withUrl(database.url).build(),
      );
    const open = async (sink: JdbcSink<Row>, ctx: TestingSinkInitContext, state: JdbcWriterState[] = []) => {
      const writer: Writer = await sink.createWriter(ctx, state);
      closers.push(() => writer.close());
      return writer;
    };
    const committer = (sink: JdbcSink<Row>): Committer<JdbcCommittable> => {
      const c = sink.createCommitter(context(0, 0));
      closers.push(() => c.close?.());
      return c;
    };

    it('keeps rows in a prepared transaction until it is committed; committing again is harmless', async () => {
      const table = await newTable();
      const sink = sinkFor(table, 2);
      const writer = await open(sink, context(0, 0));
      for (let id = 0; id < 5; id++) writer.write({ id, v: 'a' }, SINK_CONTEXT);
      const committables = await writer.prepareCommit(1);
      expect(committables).toHaveLength(1);
      const gid = committables[0]!.transactionId;
      expect(await database.preparedTransactions()).toContain(gid);
      expect(await countIds(database, table)).toEqual({ count: 0, distinct: 0 });

      const commit = committer(sink);
      await commit.commit(committables);
      expect(await countIds(database, table)).toEqual({ count: 5, distinct: 5 });
      expect(await database.preparedTransactions()).not.toContain(gid);
      // After a restore the same committables are committed again: already committed is success.
      await commit.commit(committables);
      await committer(sink).commit(committables);
      expect(await countIds(database, table)).toEqual({ count: 5, distinct: 5 });
    });

    it('rolls back lingering prepared transactions of its subtask on restore, not the restored ones', async () => {
      const table = await newTable();
      const sink = sinkFor(table);
      const before = await open(sink, context(0, 0));
      before.write({ id: 1, v: 'checkpoint 1' }, SINK_CONTEXT);
      const completed = await before.prepareCommit(1);
      before.write({ id: 2, v: 'checkpoint 2 (never completed)' }, SINK_CONTEXT);
      const lingering = await before.prepareCommit(2);
      // Another subtask's prepared transaction must survive subtask 0's recovery.
      const other = await open(sink, context(1, 0));
      other.write({ id: 100, v: 'subtask 1' }, SINK_CONTEXT);
      const othersCommittables = await other.prepareCommit(2);
      await before.close();
      expect(await database.preparedTransactions()).toEqual(
        expect.arrayContaining(
          [...completed, ...lingering, ...othersCommittables].map((c) => c.transactionId),
        ),
      );

      // The restore from checkpoint 1: the operator commits its committables, then creates the writer.
      await committer(sink).commit(completed);
      const after = await open(sink, context(0, 1), [{ checkpointId: 1 }]);
      const prepared = await database.preparedTransactions();
      expect(prepared).not.toContain(lingering[0]!.transactionId);
      expect(prepared).toContain(othersCommittables[0]!.transactionId);
      // The rolled-back row's lock is gone: the replayed row commits.
      after.write({ id: 2, v: 'replayed' }, SINK_CONTEXT);
      await committer(sink).commit(await after.prepareCommit(3));
      const rows = await database.query<{ id: unknown; v: string }>(`SELECT id, v FROM ${table} ORDER BY id`);
      expect(rows.map((r) => [Number(r.id), r.v])).toEqual([
        [1, 'checkpoint 1'],
        [2, 'replayed'],
      ]);
      await committer(sink).commit(othersCommittables);
    });

    it('fences a writer its task never closed: its open transaction no longer blocks the replay', async () => {
      const table = await newTable();
      const sink = sinkFor(table, 1);
      const zombie = await open(sink, context(0, 0));
      zombie.write({ id: 1, v: 'zombie' }, SINK_CONTEXT);
      await zombie.flush(false);
      // The task failed without closing the writer: its transaction holds the lock on id 1.
      const restarted = await open(sink, context(0, 1));
      restarted.write({ id: 1, v: 'replayed' }, SINK_CONTEXT);
      await committer(sink).commit(await restarted.prepareCommit(1));
      const rows = await database.query<{ id: unknown; v: string }>(`SELECT id, v FROM ${table}`);
      expect(rows.map((r) => [Number(r.id), r.v])).toEqual([[1, 'replayed']]);
      zombie.write({ id: 2, v: 'zombie' }, SINK_CONTEXT);
      await expect(zombie.prepareCommit(1)).rejects.toThrow();
      expect(await countIds(database, table)).toEqual({ count: 1, distinct: 1 });
    });

    it('writes every row exactly once through a task failure and restore (embedded cluster)', async () => {
      const table = await newTable();
      const events = 3000;
      let failed = false;
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      env.enableCheckpointing(100);
      env.configure({
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '3',
        'restart-strategy.fixed-delay.delay': '10 ms',
      });
      env
        .fromSource(
          new DataGeneratorSource<Row>(
            (id) => ({ id, v: `row ${id}` }),
            events,
            RateLimiterStrategy.perSecond(3000),
          ),
          WatermarkStrategy.noWatermarks<Row>(),
          'ids',
        )
        .map((row) => {
          if (!failed && row.id === 2000) {
            failed = true;
            throw new Error('injected failure');
          }
          return row;
        })
        .sinkTo(sinkFor(table))
        .uid('jdbc-exactly-once');
      await env.execute('jdbc-exactly-once-embedded');
      expect(failed).toBe(true);
      expect(await countIds(database, table)).toEqual({ count: events, distinct: events });
      expect((await database.preparedTransactions()).filter((gid) => gid.startsWith('freshet-'))).toEqual([]);
    }, 60_000);

    it('fails the job on a constraint violation inside the transaction, naming the row', async () => {
      const table = await newTable();
      await database.query(`INSERT INTO ${table} (id, v) VALUES (7, 'existing')`);
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(1);
      env.enableCheckpointing(100);
      env.configure({ 'restart-strategy.type': 'none' });
      env
        .fromElements<Row>({ id: 6, v: 'new' }, { id: 7, v: 'duplicate' })
        .sinkTo(sinkFor(table))
        .name('jdbc sink');
      const error = await env.execute('jdbc-eo-constraint').then(
        () => expect.fail('the job should fail'),
        (e: unknown) => e as Error,
      );
      const message = `${error.message} ${String((error as { cause?: unknown }).cause)}`;
      expect(message).toContain(`SQL state ${database.duplicateKey.sqlState}`);
      expect(message).toContain('row {"id":7,"v":"duplicate"}');
      const rows = await database.query<{ id: unknown }>(`SELECT id FROM ${table}`);
      expect(rows.map((r) => Number(r.id))).toEqual([7]);
    });
  });
}

describeWithServer(
  'JdbcSink.exactlyOnceSink on PostgreSQL without prepared transactions',
  postgresAvailable,
  () => {
    let database: JdbcTestDatabase;
    beforeAll(async () => {
      database = await startPostgresDatabase({ settings: { max_prepared_transactions: '0' } });
    });
    afterAll(async () => {
      await database?.stop();
    });

    it('fails at start with a clear error', async () => {
      const sink = JdbcSink.exactlyOnceSink<Row>(
        'INSERT INTO t (id, v) VALUES (?, ?)',
        toParams,
        JdbcExecutionOptions.defaults(),
        JdbcConnectionOptions.builder().withUrl(database.url).build(),
      );
      const error = (await Promise.resolve(sink.createWriter(context(0, 0))).catch(
        (e: unknown) => e,
      )) as Error & {
        code?: string;
      };
      expect(error.code).toBe('JDBC_PREPARED_TRANSACTIONS_DISABLED');
      expect(error.message).toMatch(/max_prepared_transactions = 0.*set max_prepared_transactions/);
    });
  },
);
