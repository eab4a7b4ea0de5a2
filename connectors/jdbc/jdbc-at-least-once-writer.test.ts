import { afterEach, describe, expect, it, vi } from 'vitest';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JdbcAtLeastOnceWriter } from './jdbc-at-least-once-writer.js';
import { JdbcConnectionOptions } from './jdbc-connection-options.js';
import { JdbcExecutionOptions } from './jdbc-execution-options.js';
import { JdbcStatement } from './jdbc-statement.js';
import type { JdbcWriterSetup } from './jdbc-writer-setup.js';
import { TestingJdbcDatabase } from './testing-jdbc-database.js';

interface Row {
  id: number;
  v: string;
}

const SQL = 'INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v';
const connection = JdbcConnectionOptions.builder().withUrl('postgresql://127.0.0.1:5999/db').build();
const withFields = (message: string, fields: Record<string, unknown>): Error =>
  Object.assign(new Error(message), fields);

function setUp(
  execution: JdbcExecutionOptions,
  database = new TestingJdbcDatabase(),
): { database: TestingJdbcDatabase; sleeps: number[]; setup: JdbcWriterSetup<Row> } {
  database.rowWidth = 2;
  const sleeps: number[] = [];
  const setup: JdbcWriterSetup<Row> = {
    statement: new JdbcStatement(SQL, 'postgresql'),
    statementBuilder: (row) => [row.id, row.v],
    execution,
    connection,
    connector: database.connector,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  return { database, sleeps, setup };
}

const rows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: from + i, v: `v${from + i}` }));

afterEach(() => {
  vi.useRealTimers();
});

describe('JdbcAtLeastOnceWriter', () => {
  it('writes a multi-row statement per full batch, the rest on flush', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.builder().withBatchSize(3).build());
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    for (const row of rows(0, 7)) writer.write(row);
    expect(writer.bufferedRows).toBe(1);
    await writer.flush(false);
    const executes = database.calls(/^execute/);
    expect(executes).toHaveLength(3);
    expect(executes[0]).toContain('VALUES ($1, $2), ($3, $4), ($5, $6) ON CONFLICT');
    expect(database.rows).toEqual(rows(0, 7).map((r) => [r.id, r.v]));
    await writer.close();
  });

  it('writes a batch after batchIntervalMs without any flush or checkpoint', async () => {
    vi.useFakeTimers();
    const { database, setup } = setUp(
      JdbcExecutionOptions.builder().withBatchSize(100).withBatchIntervalMs(50).build(),
    );
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    writer.write({ id: 1, v: 'a' });
    writer.write({ id: 2, v: 'b' });
    await vi.advanceTimersByTimeAsync(49);
    expect(database.rows).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(database.rows).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    await writer.close();
  });

  it('flushes at the checkpoint barrier and prepares nothing', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.defaults());
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    writer.write({ id: 1, v: 'a' });
    await expect(writer.prepareCommit(1)).resolves.toEqual([]);
    expect(database.rows).toEqual([[1, 'a']]);
    await writer.close();
  });

  it('retries a batch on a new session after a lost connection, with growing backoff', async () => {
    const { database, sleeps, setup } = setUp(
      JdbcExecutionOptions.builder().withMaxRetries(3).withRetryBackoffMs(100).build(),
    );
    database.failOn(/^execute/, new Error('Connection terminated unexpectedly'), 2);
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    writer.write({ id: 1, v: 'a' });
    await writer.flush(false);
    expect(database.rows).toEqual([[1, 'a']]);
    expect(sleeps).toEqual([100, 200]);
    expect(database.connects).toBe(3);
    await writer.close();
  });

  it('fails with JDBC_CONNECTION_FAILED once the retries are used up', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.builder().withMaxRetries(2).build());
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    database.failOn(/^connect$|^execute/, withFields('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 99);
    database.clients[0]!.broken = new Error('gone');
    writer.write({ id: 1, v: 'a' });
    const error = await writer.flush(false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FreshetError);
    expect((error as FreshetError).code).toBe('JDBC_CONNECTION_FAILED');
    expect((error as FreshetError).message).toContain(
      'could not reach postgresql://127.0.0.1:5999/db after 3 attempt(s)',
    );
    expect(() => writer.write({ id: 2, v: 'b' })).toThrow(/could not reach/);
    await writer.close();
  });

  it('fails at start when the database cannot be reached', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.builder().withMaxRetries(1).build());
    database.failOn(/^connect$/, withFields('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), 99);
    await expect(JdbcAtLeastOnceWriter.create(setup)).rejects.toThrow(/after 2 attempt\(s\).*ECONNREFUSED/);
  });

  it('names the violating row: the failed batch is written again row by row, then fails', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.builder().withBatchSize(10).build());
    const duplicate = withFields('duplicate key value violates unique constraint "t_pkey"', {
      code: '23505',
      constraint: 't_pkey',
    });
    database.failOn(/^execute .*\(\$3, \$4\)/, duplicate);
    database.failOn(/^execute .*\[2,"b"\]$/, duplicate);
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    writer.write({ id: 1, v: 'a' });
    writer.write({ id: 2, v: 'b' });
    const error = (await writer.flush(false).catch((e: unknown) => e)) as FreshetError;
    expect(error.code).toBe('JDBC_STATEMENT_FAILED');
    expect(error.message).toMatch(/for row \{"id":2,"v":"b"\}.*SQL state 23505, constraint 't_pkey'/);
    expect(database.rows).toEqual([]);
    expect(database.calls(/^execute|^begin/).length).toBe(4);
    expect(() => writer.write({ id: 3, v: 'c' })).toThrow(/t_pkey/);
    await writer.close();
  });

  it('gets past a failure only the multi-row statement has (an upsert touching a key twice)', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.builder().withBatchSize(10).build());
    database.failOn(
      /^execute .*\(\$3, \$4\)/,
      withFields('ON CONFLICT DO UPDATE command cannot affect row a second time', { code: '21000' }),
    );
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    writer.write({ id: 1, v: 'a' });
    writer.write({ id: 1, v: 'b' });
    await writer.flush(false);
    expect(database.rows).toEqual([
      [1, 'a'],
      [1, 'b'],
    ]);
    expect(database.calls(/^begin|^commit/)).toEqual(['begin', 'commit']);
    await writer.close();
  });

  it('reports a failed background batch at the next write', async () => {
    const { database, setup } = setUp(JdbcExecutionOptions.builder().withBatchSize(1).build());
    database.failOn(/^execute/, withFields('relation "t" does not exist', { code: '42P01' }));
    const writer = await JdbcAtLeastOnceWriter.create(setup);
    writer.write({ id: 1, v: 'a' });
    await vi.waitFor(() => expect(database.calls(/^execute/)).toHaveLength(1));
    await vi.waitFor(() => expect(() => writer.write({ id: 2, v: 'b' })).toThrow(/42P01.*create the table/));
    await writer.close();
  });

  it('rejects a row whose parameters do not match the placeholders', async () => {
    const { setup } = setUp(JdbcExecutionOptions.defaults());
    const writer = await JdbcAtLeastOnceWriter.create({ ...setup, statementBuilder: (row: Row) => [row.id] });
    expect(() => writer.write({ id: 1, v: 'a' })).toThrow(/returned 1 parameter\(s\) for row.*has 2 '\?'/);
    await writer.close();
  });
});
