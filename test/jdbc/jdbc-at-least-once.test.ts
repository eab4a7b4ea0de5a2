/**
 * The at-least-once JDBC sink against real PostgreSQL and MariaDB servers: batches by size and by
 * time (rows arrive without any checkpoint), upserts that make replays idempotent, a lost
 * connection retried on a new one, and the failures that must stop the job with a clear message
 * (constraint violation, missing table, unreachable database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import {
  JdbcConnectionOptions,
  JdbcExecutionOptions,
  JdbcSink,
  type JdbcCommittable,
  type JdbcWriterState,
} from 'freshet/connectors';
import type { PrecommittingSinkWriter } from '../../api/connector/sink.js';
import {
  TestingSinkInitContext,
  TestingSinkWriterContext,
} from '../../connectors/testing/testing-sink-init-context.js';
import { waitFor } from '../support/cli.js';
import { describeWithServer } from '../support/server-availability.js';
import { findFreePorts } from '../support/server-process.js';
import { countIds, JDBC_TEST_DATABASES, type JdbcTestDatabase } from './jdbc-test-database.js';

interface Row {
  readonly id: number;
  readonly v: string;
}

const toParams = (row: Row): unknown[] => [row.id, row.v];
const rows = (from: number, to: number, v = 'a'): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: from + i, v: `${v}${from + i}` }));

type Writer = PrecommittingSinkWriter<Row, JdbcCommittable, JdbcWriterState>;
const SINK_CONTEXT = new TestingSinkWriterContext();

for (const kind of JDBC_TEST_DATABASES) {
  describeWithServer(`JdbcSink.sink on ${kind.name}`, kind.available, () => {
    let database: JdbcTestDatabase;
    let tables = 0;
    const writers: Writer[] = [];
    beforeAll(async () => {
      database = await kind.start();
    });
    afterAll(async () => {
      for (const writer of writers.splice(0)) await writer.close();
      await database?.stop();
    });

    const connection = (): JdbcConnectionOptions =>
      JdbcConnectionOptions.builder().withUrl(database.url).build();
    const newTable = async (primaryKey = true): Promise<string> => {
      const table = `alo_${++tables}`;
      await database.createTable(table, primaryKey);
      return table;
    };
    const open = async (sink: JdbcSink<Row>): Promise<Writer> => {
      const writer = await sink.createWriter(new TestingSinkInitContext({ jobId: 'f'.repeat(32) }));
      writers.push(writer);
      return writer;
    };

    it('writes full batches while rows arrive, and the rest on flush', async () => {
      const table = await newTable();
      const options = JdbcExecutionOptions.builder().withBatchSize(3).build();
      const writer = await open(JdbcSink.sink(database.insertSql(table), toParams, options, connection()));
      for (const row of rows(0, 7)) writer.write(row, SINK_CONTEXT);
      await waitFor(async () => (await countIds(database, table)).count === 6, 10_000, 'two batches of 3');
      await writer.flush(false);
      expect(await countIds(database, table)).toEqual({ count: 7, distinct: 7 });
      const stored = await database.query<{ id: unknown; v: string }>(
        `SELECT id, v FROM ${table} ORDER BY id`,
      );
      expect(stored.map((r) => [Number(r.id), r.v])).toEqual(rows(0, 7).map(toParams));
    });

    it('writes a batch after the batch interval, without a checkpoint or flush', async () => {
      const table = await newTable();
      const options = JdbcExecutionOptions.builder().withBatchSize(1000).withBatchIntervalMs(50).build();
      const writer = await open(JdbcSink.sink(database.insertSql(table), toParams, options, connection()));
      writer.write({ id: 1, v: 'x' }, SINK_CONTEXT);
      writer.write({ id: 2, v: 'y' }, SINK_CONTEXT);
      await waitFor(async () => (await countIds(database, table)).count === 2, 10_000, 'the interval flush');
    });

    it('is idempotent with an upsert: replayed rows overwrite, even twice in one batch', async () => {
      const table = await newTable();
      const sql = database.upsertSql(table);
      const first = await open(JdbcSink.sink(sql, toParams, connection()));
      for (const row of rows(0, 100, 'a')) first.write(row, SINK_CONTEXT);
      await first.prepareCommit(1);
      await first.close();
      // A restore replays rows 50..99 (with new values) into a new writer, some keys twice.
      const replay = await open(JdbcSink.sink(sql, toParams, connection()));
      for (const row of [...rows(50, 100, 'b'), ...rows(90, 100, 'c')]) replay.write(row, SINK_CONTEXT);
      await replay.flush(true);
      expect(await countIds(database, table)).toEqual({ count: 100, distinct: 100 });
      const byValue = await database.query<{ prefix: string; n: unknown }>(
        `SELECT SUBSTRING(v, 1, 1) AS prefix, COUNT(*) AS n FROM ${table} GROUP BY SUBSTRING(v, 1, 1) ORDER BY prefix`,
      );
      expect(byValue.map((r) => [r.prefix, Number(r.n)])).toEqual([
        ['a', 50],
        ['b', 40],
        ['c', 10],
      ]);
    });

    it('retries on a new connection when the server ends the session', async () => {
      const table = await newTable();
      const options = JdbcExecutionOptions.builder().withRetryBackoffMs(50).build();
      const writer = await open(JdbcSink.sink(database.insertSql(table), toParams, options, connection()));
      writer.write({ id: 1, v: 'a' }, SINK_CONTEXT);
      await writer.flush(false);
      expect(await database.terminateOtherSessions()).toBeGreaterThan(0);
      writer.write({ id: 2, v: 'b' }, SINK_CONTEXT);
      await writer.flush(false);
      expect(await countIds(database, table)).toEqual({ count: 2, distinct: 2 });
    });

    it('fails the job on a constraint violation, naming SQL state, constraint and row', async () => {
      const table = await newTable();
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(1);
      env.configure({ 'restart-strategy.type': 'none' });
      env
        .fromElements<Row>({ id: 1, v: 'a' }, { id: 2, v: 'b' }, { id: 1, v: 'again' })
        .sinkTo(JdbcSink.sink(database.insertSql(table), toParams, connection()))
        .name('jdbc sink');
      const error = await env.execute('jdbc-constraint').then(
        () => expect.fail('the job should fail'),
        (e: unknown) => e as Error,
      );
      const message = `${error.message} ${String((error as { cause?: unknown }).cause)}`;
      expect(message).toContain(`SQL state ${database.duplicateKey.sqlState}`);
      expect(message).toContain(`constraint '${database.duplicateKey.constraint(table)}'`);
      expect(message).toContain('row {"id":1,"v":"again"}');
      // The batch is atomic: nothing of it was committed.
      expect(await countIds(database, table)).toEqual({ count: 0, distinct: 0 });
    });

    it('fails with the SQL state when the table is missing', async () => {
      const writer = await open(JdbcSink.sink(database.insertSql('no_such_table'), toParams, connection()));
      writer.write({ id: 1, v: 'a' }, SINK_CONTEXT);
      const error = (await Promise.resolve(writer.flush(true)).catch((e: unknown) => e)) as Error & {
        code?: string;
      };
      expect(error.code).toBe('JDBC_STATEMENT_FAILED');
      expect(error.message).toContain(`SQL state ${database.missingTableState}`);
      expect(error.message).toContain('create the table before starting the job');
    });
  });
}

describe('JdbcSink.sink with an unreachable database', () => {
  it('retries, then fails the task with a clear error', async () => {
    const [port] = await findFreePorts(1);
    for (const scheme of ['postgresql', 'mysql']) {
      const url = `${scheme}://nobody@127.0.0.1:${port}/db`;
      const sink = JdbcSink.sink<Row>(
        'INSERT INTO t (id, v) VALUES (?, ?)',
        toParams,
        JdbcExecutionOptions.builder().withMaxRetries(2).withRetryBackoffMs(10).build(),
        JdbcConnectionOptions.builder().withUrl(url).build(),
      );
      const error = (await Promise.resolve(sink.createWriter(new TestingSinkInitContext())).catch(
        (e: unknown) => e,
      )) as Error & { code?: string; retryable?: boolean };
      expect(error.code).toBe('JDBC_CONNECTION_FAILED');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(
        `could not reach ${scheme}://nobody@127.0.0.1:${port}/db after 3 attempt(s)`,
      );
      expect(error.message).toContain('ECONNREFUSED');
    }
  });
});
