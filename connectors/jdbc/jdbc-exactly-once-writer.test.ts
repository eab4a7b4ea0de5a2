import { describe, expect, it } from 'vitest';
import { TestingSinkInitContext } from '../testing/testing-sink-init-context.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JdbcCommitter } from './jdbc-committer.js';
import { JdbcConnectionOptions } from './jdbc-connection-options.js';
import { JdbcExactlyOnceOptions } from './jdbc-exactly-once-options.js';
import { JdbcExactlyOnceWriter } from './jdbc-exactly-once-writer.js';
import { JdbcExecutionOptions } from './jdbc-execution-options.js';
import { JdbcStatement } from './jdbc-statement.js';
import type { JdbcWriterSetup } from './jdbc-writer-setup.js';
import { TestingJdbcDatabase } from './testing-jdbc-database.js';
import { subtaskTransactionIdPrefix, transactionId } from './transaction-id.js';

const connection = JdbcConnectionOptions.builder().withUrl('mysql://127.0.0.1:3999/db').build();
const JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function setUp(database = new TestingJdbcDatabase()): JdbcWriterSetup<number> {
  database.rowWidth = 1;
  return {
    statement: new JdbcStatement('INSERT INTO t (id) VALUES (?)', 'mysql'),
    statementBuilder: (id) => [id],
    execution: JdbcExecutionOptions.builder().withBatchSize(2).withMaxRetries(1).build(),
    connection,
    connector: database.connector,
    sleep: () => Promise.resolve(),
  };
}

function context(subtask = 0, attempt = 0, checkpointing = true): TestingSinkInitContext {
  return new TestingSinkInitContext({
    jobId: JOB,
    indexOfSubtask: subtask,
    parallelism: 2,
    attemptNumber: attempt,
    operatorUidOrId: 'jdbc-sink',
    checkpointingEnabled: checkpointing,
  });
}

const create = (
  database: TestingJdbcDatabase,
  ctx = context(),
  state: { checkpointId: number }[] = [],
): Promise<JdbcExactlyOnceWriter<number>> =>
  JdbcExactlyOnceWriter.create(setUp(database), JdbcExactlyOnceOptions.defaults(), ctx, state);

describe('JdbcExactlyOnceWriter', () => {
  it('writes a checkpoint’s rows in one transaction, prepared at the barrier, visible after commit', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database);
    for (const id of [1, 2, 3]) writer.write(id);
    const committables = await writer.prepareCommit(1);
    const gid = transactionId(context(), 1, 0);
    expect(committables).toEqual([{ transactionId: gid }]);
    expect(database.rows).toEqual([]);
    expect(database.prepared.get(gid)).toEqual([[1], [2], [3]]);
    const committer = new JdbcCommitter(connection, database.connector, 3, 10, () => Promise.resolve());
    await committer.commit(committables);
    expect(database.rows).toEqual([[1], [2], [3]]);
    await committer.close();
    await writer.close();
  });

  it('puts rows written after prepareCommit was called into the next transaction', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database);
    writer.write(1);
    const first = writer.prepareCommit(5);
    writer.write(2);
    const second = writer.prepareCommit(6);
    expect(await first).toEqual([{ transactionId: transactionId(context(), 1, 0) }]);
    expect(await second).toEqual([{ transactionId: transactionId(context(), 6, 0) }]);
    expect([...database.prepared.values()]).toEqual([[[1]], [[2]]]);
    await writer.close();
  });

  it('prepares nothing for a checkpoint without rows', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database);
    expect(await writer.prepareCommit(1)).toEqual([]);
    expect(database.calls(/^start|^prepare/)).toEqual([]);
    await writer.close();
  });

  it('rolls back only its own subtask’s lingering transactions on start', async () => {
    const database = new TestingJdbcDatabase();
    const own = transactionId(context(0, 0), 3, 0);
    const otherSubtask = transactionId(context(1, 0), 3, 0);
    const otherOperator = transactionId({ ...context(), operatorUidOrId: 'other' }, 3, 0);
    for (const gid of [own, otherSubtask, otherOperator]) database.prepared.set(gid, [[9]]);
    const writer = await create(database, context(0, 1), [{ checkpointId: 2 }]);
    expect([...database.prepared.keys()]).toEqual([otherSubtask, otherOperator]);
    expect(database.calls(/^list prepared/)).toEqual([
      `list prepared ${subtaskTransactionIdPrefix(context())}`,
    ]);
    writer.write(1);
    // Names continue after the restored checkpoint, with the new attempt number.
    expect(await writer.prepareCommit(3)).toEqual([{ transactionId: transactionId(context(), 3, 1) }]);
    await writer.close();
  });

  it('retries a rollback while the transaction is still bound to a disconnecting session', async () => {
    const database = new TestingJdbcDatabase();
    const gid = transactionId(context(), 3, 0);
    database.prepared.set(gid, [[9]]);
    database.attached.set(gid, 1);
    const writer = await create(database, context(0, 1));
    expect(database.prepared.size).toBe(0);
    await writer.close();
  });

  it('opens a session per transaction where prepared transactions bind their session (MySQL)', async () => {
    const database = new TestingJdbcDatabase();
    database.bindsSession = true;
    const writer = await create(database);
    writer.write(1);
    await writer.prepareCommit(1);
    writer.write(2);
    await writer.prepareCommit(2);
    expect(database.connects).toBe(3);
    // The owner session stays; each transaction's session claims the subtask's name and closes.
    expect(database.clients.map((client) => client.closed)).toEqual([false, true, true]);
    const prefix = subtaskTransactionIdPrefix(context());
    expect(database.calls(/^claim/)).toEqual([
      `claim ${prefix} 0`,
      `claim ${prefix}tx 2000`,
      `claim ${prefix}tx 2000`,
    ]);
    await writer.close();
    expect(database.clients.every((client) => client.closed)).toBe(true);
  });

  it('fences earlier attempts of its subtask on start, before rolling back lingering transactions', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database, context(0, 1));
    const prefix = subtaskTransactionIdPrefix(context());
    expect(database.calls(/^claim|^evict|^list/)).toEqual([
      `claim ${prefix} 0`,
      `evict ${prefix}tx`,
      `list prepared ${prefix}`,
    ]);
    await writer.close();
  });

  it('fails once its owner session ended (fenced by a newer attempt), without opening another', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database);
    database.clients[0]!.broken = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        code: '57P01',
      },
    );
    writer.write(1);
    const error = (await writer.prepareCommit(1).catch((e: unknown) => e)) as FreshetError;
    expect(error.message).toMatch(
      /session .* ended .*SQL state 57P01.*newer attempt of this subtask fenced it/,
    );
    expect(database.calls(/^start|^execute/)).toEqual([]);
    expect(database.connects).toBe(1);
    await writer.close();
  });

  it('fails the task when the connection is lost inside a transaction, without retrying', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database);
    database.failOn(/^execute/, Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    writer.write(1);
    const error = (await writer.prepareCommit(1).catch((e: unknown) => e)) as FreshetError;
    expect(error.code).toBe('JDBC_TRANSACTION_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`could not write to transaction '${transactionId(context(), 1, 0)}'`);
    expect(database.calls(/^execute/)).toHaveLength(1);
    expect(() => writer.write(2)).toThrow(FreshetError);
    await writer.close();
  });

  it('commits in one phase at the end of input when the job takes no checkpoints', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database, context(0, 0, false));
    writer.write(1);
    await writer.flush(true);
    expect(database.rows).toEqual([[1]]);
    expect(database.calls(/^commit one phase/)).toHaveLength(1);
    await writer.close();
  });

  it('rolls back the open transaction on close', async () => {
    const database = new TestingJdbcDatabase();
    const writer = await create(database);
    writer.write(1);
    await writer.flush(false);
    await writer.close();
    expect(database.calls(/^rollback /)).toEqual([`rollback ${transactionId(context(), 1, 0)}`]);
    expect(database.rows).toEqual([]);
  });

  it('rejects writer state it did not write', async () => {
    await expect(
      create(new TestingJdbcDatabase(), context(), [{} as { checkpointId: number }]),
    ).rejects.toThrow(/no valid checkpointId/);
  });
});

describe('JdbcCommitter', () => {
  const committerFor = (database: TestingJdbcDatabase, sleeps: number[] = []): JdbcCommitter =>
    new JdbcCommitter(connection, database.connector, 3, 100, (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    });

  it('is idempotent: an unknown (already committed) transaction counts as committed', async () => {
    const database = new TestingJdbcDatabase();
    database.prepared.set('freshet-a-00000000-0-1-0', [[1]]);
    const committer = committerFor(database);
    await committer.commit([{ transactionId: 'freshet-a-00000000-0-1-0' }]);
    await committer.commit([{ transactionId: 'freshet-a-00000000-0-1-0' }]);
    expect(database.rows).toEqual([[1]]);
    await committer.close();
  });

  it('retries on a new session when the connection is lost, and while the transaction is attached', async () => {
    const database = new TestingJdbcDatabase();
    const sleeps: number[] = [];
    database.prepared.set('g1', [[1]]);
    database.attached.set('g1', 1);
    database.failOn(/^commit prepared/, new Error('Connection terminated unexpectedly'));
    const committer = committerFor(database, sleeps);
    await committer.commit([{ transactionId: 'g1' }]);
    expect(database.rows).toEqual([[1]]);
    expect(sleeps).toEqual([100, 200]);
    expect(database.connects).toBe(2);
    await committer.close();
  });

  it('fails the task when the database stays unreachable', async () => {
    const database = new TestingJdbcDatabase();
    database.failOn(/^connect$/, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 99);
    const committer = committerFor(database);
    await expect(committer.commit([{ transactionId: 'g1' }])).rejects.toThrow(/after 3 attempt\(s\)/);
    await committer.close();
  });
});
