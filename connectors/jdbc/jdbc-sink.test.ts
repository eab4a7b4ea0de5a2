import { describe, expect, it } from 'vitest';
import { TestingSinkInitContext, TestingSinkWriterContext } from '../testing/testing-sink-init-context.js';
import { isTwoPhaseCommittingSink } from '../../api/connector/sink.js';
import { JdbcConnectionOptions } from './jdbc-connection-options.js';
import { JdbcExactlyOnceOptions } from './jdbc-exactly-once-options.js';
import { JdbcExecutionOptions } from './jdbc-execution-options.js';
import { JdbcSink } from './jdbc-sink.js';
import { TestingJdbcDatabase } from './testing-jdbc-database.js';

const connection = JdbcConnectionOptions.builder().withUrl('postgresql://127.0.0.1/db').build();
const SQL = 'INSERT INTO t (id) VALUES (?)';
const toParams = (id: number): unknown[] => [id];

describe('JdbcSink', () => {
  it('builds at-least-once and exactly-once sinks from either argument list', () => {
    const execution = JdbcExecutionOptions.builder().withBatchSize(10).build();
    expect(JdbcSink.sink(SQL, toParams, connection).exactlyOnce).toBe(false);
    expect(JdbcSink.sink(SQL, toParams, execution, connection).exactlyOnce).toBe(false);
    expect(JdbcSink.exactlyOnceSink(SQL, toParams, execution, connection).exactlyOnce).toBe(true);
    const sink = JdbcSink.exactlyOnceSink(
      SQL,
      toParams,
      execution,
      JdbcExactlyOnceOptions.defaults(),
      connection,
    );
    expect(sink.exactlyOnce).toBe(true);
    expect(isTwoPhaseCommittingSink(sink)).toBe(true);
  });

  it('rejects a statement without placeholders when the job is built', () => {
    expect(() => JdbcSink.sink('INSERT INTO t VALUES (1)', toParams, connection)).toThrow(
      /no '\?' placeholder/,
    );
  });

  it('at-least-once: flushes at the checkpoint and commits nothing; exactly-once: commits what it prepared', async () => {
    const database = new TestingJdbcDatabase();
    const runtime = { connector: database.connector, sleep: () => Promise.resolve() };
    const context = new TestingSinkInitContext({ checkpointingEnabled: true });
    const writeContext = new TestingSinkWriterContext();

    const atLeastOnce = new JdbcSink(
      SQL,
      toParams,
      JdbcExecutionOptions.defaults(),
      connection,
      undefined,
      runtime,
    );
    const writer = await atLeastOnce.createWriter(context);
    writer.write(1, writeContext);
    expect(await writer.prepareCommit(1)).toEqual([]);
    expect(database.rows).toEqual([[1]]);
    await writer.close();
    await expect(atLeastOnce.createCommitter(context).commit([{ transactionId: 'x' }])).rejects.toThrow(
      /exactly-once JDBC sink/,
    );

    const exactlyOnce = new JdbcSink(
      SQL,
      toParams,
      JdbcExecutionOptions.defaults(),
      connection,
      JdbcExactlyOnceOptions.defaults(),
      runtime,
    );
    const eoWriter = await exactlyOnce.createWriter(context);
    eoWriter.write(2, writeContext);
    const committables = await eoWriter.prepareCommit(2);
    expect(database.rows).toEqual([[1]]);
    await exactlyOnce.createCommitter(context).commit(committables);
    expect(database.rows).toEqual([[1], [2]]);
    await eoWriter.close();
  });
});
