import type {
  PrecommittingSinkWriter,
  SinkInitContext,
  SinkWriterContext,
} from '../../api/connector/sink.js';
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { JdbcBatchExecutor, type BufferedRow } from './jdbc-batch-executor.js';
import type { JdbcClient } from './jdbc-client.js';
import type { JdbcCommittable, JdbcWriterState } from './jdbc-committable.js';
import { describeDatabaseError, isTransientJdbcError, JdbcErrorCode } from './jdbc-errors.js';
import type { JdbcExactlyOnceOptions } from './jdbc-exactly-once-options.js';
import { retryTransient, type RetryPolicy } from './jdbc-retry.js';
import { JdbcRowBuffer } from './jdbc-row-buffer.js';
import type { JdbcWriterSetup } from './jdbc-writer-setup.js';
import { rollBackLingeringTransactions } from './lingering-transactions.js';
import { SerialQueue } from './serial-queue.js';
import { subtaskTransactionIdPrefix, transactionId, type TransactionIdScope } from './transaction-id.js';

/** How long a transaction session waits for the previous one of its writer to disconnect. */
const TRANSACTION_SESSION_GRACE_MS = 2_000;

/**
 * The exactly-once JDBC writer (Flink's JdbcXaSinkFunction on the Sink V2 interfaces). Rows of a
 * subtask between two checkpoints go into one database transaction, in batches as they arrive; at
 * the barrier (`prepareCommit`) the transaction is prepared — PostgreSQL `PREPARE TRANSACTION`,
 * MySQL/MariaDB `XA END` + `XA PREPARE` — and its id becomes the committable, which the
 * JdbcCommitter commits once the checkpoint completed. A checkpoint without rows prepares nothing.
 *
 * Sessions: the writer holds an owner session for its life, claimed under the subtask's name
 * (see JdbcClient.claimSession). PostgreSQL runs the transactions on it (a prepared transaction
 * leaves the session). MySQL/MariaDB bind a prepared XA transaction to its session until it
 * disconnects, so each transaction gets a session of its own, claimed under a second name and
 * closed right after XA PREPARE.
 *
 * On start the writer fences earlier attempts of its subtask — it ends their sessions, so a writer
 * its task never closed cannot keep a transaction open that holds locks on the rows being replayed
 * — and, after the operator committed the restored committables, rolls back the subtask's other
 * prepared transactions (lingering-transactions.ts). A writer whose owner session ends (fenced by a
 * newer attempt, or the connection lost) fails, as does any failure inside a transaction: the rows
 * before it would be lost, so the task restarts from the last checkpoint. Without checkpointing,
 * the rows are committed in one transaction at the end of input (unbounded jobs need
 * checkpointing for output to appear).
 */
export class JdbcExactlyOnceWriter<T> implements PrecommittingSinkWriter<
  T,
  JdbcCommittable,
  JdbcWriterState
> {
  private readonly setup: JdbcWriterSetup<T>;
  private readonly scope: TransactionIdScope;
  private readonly attempt: number;
  private readonly checkpointing: boolean;
  private readonly executor: JdbcBatchExecutor<T>;
  private readonly buffer: JdbcRowBuffer<T>;
  private readonly queue = new SerialQueue();
  private readonly closing = new AbortController();
  private readonly retry: RetryPolicy;
  private readonly ownerName: string;
  private readonly transactionSessionName: string;
  private owner: JdbcClient | undefined;
  /** The session of the open transaction: the owner (PostgreSQL) or its own (MySQL/MariaDB). */
  private session: JdbcClient | undefined;
  /** The id of the open transaction, if rows were written since the last prepare. */
  private transaction: string | undefined;
  /** The checkpoint the next transaction is named after (one after the last one seen). */
  private nextCheckpointId: number;

  private constructor(setup: JdbcWriterSetup<T>, context: SinkInitContext, restoredCheckpointId: number) {
    this.setup = setup;
    this.scope = context;
    this.attempt = context.attemptNumber;
    this.checkpointing = context.checkpointingEnabled;
    this.nextCheckpointId = restoredCheckpointId + 1;
    this.ownerName = subtaskTransactionIdPrefix(context);
    this.transactionSessionName = `${this.ownerName}tx`;
    this.executor = new JdbcBatchExecutor(setup.statement);
    this.buffer = new JdbcRowBuffer(setup.statement, setup.statementBuilder, setup.execution, (rows) =>
      this.queue.submit(() => this.writeInTransaction(rows)),
    );
    this.retry = {
      maxRetries: setup.execution.maxRetries,
      backoffMs: setup.execution.retryBackoffMs,
      sleep: setup.sleep,
      signal: this.closing.signal,
    };
  }

  /**
   * Connects, checks that the server can prepare transactions, fences earlier attempts and
   * (unless disabled) rolls back this subtask's lingering prepared transactions. Call after the
   * restored committables were committed (the SinkWriterOperator does).
   */
  static async create<T>(
    setup: JdbcWriterSetup<T>,
    options: JdbcExactlyOnceOptions,
    context: SinkInitContext,
    recoveredState: readonly JdbcWriterState[],
  ): Promise<JdbcExactlyOnceWriter<T>> {
    const restored = Math.max(0, ...recoveredState.map((state) => validCheckpointId(state)));
    const writer = new JdbcExactlyOnceWriter(setup, context, restored);
    try {
      await writer.queue.run(async () => {
        const owner = await writer.connect();
        writer.owner = owner;
        await owner.checkTwoPhaseCommit();
        await owner.claimSession(writer.ownerName, 0);
        await owner.evictSessions(writer.transactionSessionName);
        if (options.recoveredAndRollback) {
          await rollBackLingeringTransactions(owner, writer.ownerName, writer.retry);
        }
      });
    } catch (error) {
      await writer.close();
      throw error;
    }
    return writer;
  }

  write(element: T, _context?: SinkWriterContext): void {
    this.checkUsable();
    this.buffer.add(element);
  }

  /** Writes buffered rows into the open transaction; without checkpointing, commits it at the end. */
  async flush(endOfInput: boolean): Promise<void> {
    this.checkUsable();
    const rows = this.buffer.take();
    await this.queue.run(async () => {
      await this.writeInTransaction(rows);
      if (endOfInput && !this.checkpointing) await this.commitOnePhase();
    });
  }

  /**
   * Takes the buffered rows synchronously (rows written after this call belong to the next
   * transaction), writes them, and prepares the transaction.
   */
  async prepareCommit(checkpointId: number): Promise<JdbcCommittable[]> {
    this.checkUsable();
    const rows = this.buffer.take();
    return await this.queue.run(async () => {
      await this.writeInTransaction(rows);
      this.nextCheckpointId = Math.max(this.nextCheckpointId, checkpointId + 1);
      const gid = this.transaction;
      if (gid === undefined) return [];
      await this.endTransaction(gid, 'prepare', (session) => session.prepareTransaction(gid));
      return [{ transactionId: gid }];
    });
  }

  snapshotState(checkpointId: number): JdbcWriterState[] {
    return [{ checkpointId }];
  }

  /**
   * Drops buffered rows and rolls back the open transaction (a closing task restarts from its last
   * checkpoint); prepared transactions stay for the committer or the next start's recovery.
   */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.buffer.close();
    if (this.queue.size > 0) this.dropSessions();
    await this.queue.drained();
    const gid = this.transaction;
    this.transaction = undefined;
    try {
      if (gid !== undefined) await this.session?.rollbackTransaction(gid);
      await this.closeTransactionSession();
      await this.owner?.close();
    } catch {
      // The server rolls back a transaction that is not prepared when its session goes away.
      this.dropSessions();
    }
    this.owner = undefined;
  }

  private checkUsable(): void {
    this.queue.throwIfFailed();
    if (this.closing.signal.aborted) {
      throw new FreshetError(JdbcErrorCode.writerClosed, 'the JDBC sink writer is closed');
    }
  }

  private async writeInTransaction(rows: readonly BufferedRow<T>[]): Promise<void> {
    if (rows.length === 0) return;
    const gid = this.transaction ?? (await this.begin());
    try {
      this.checkOwner();
      await this.executor.execute(this.session!, rows, true);
    } catch (error) {
      this.transaction = undefined;
      this.dropTransactionSession();
      throw isTransientJdbcError(error) ? this.lost(gid, 'write to', error) : error;
    }
  }

  private async begin(): Promise<string> {
    this.checkOwner();
    const gid = transactionId(this.scope, this.nextCheckpointId, this.attempt);
    const owner = this.owner!;
    if (owner.preparedTransactionBindsSession) {
      const session = await this.connect();
      this.session = session;
      try {
        await session.claimSession(this.transactionSessionName, TRANSACTION_SESSION_GRACE_MS);
      } catch (error) {
        this.dropTransactionSession();
        throw error;
      }
    } else {
      this.session = owner;
    }
    try {
      await this.session.startTransaction(gid);
    } catch (error) {
      this.dropTransactionSession();
      throw this.lost(gid, 'start', error);
    }
    this.transaction = gid;
    return gid;
  }

  private async commitOnePhase(): Promise<void> {
    const gid = this.transaction;
    if (gid !== undefined) await this.endTransaction(gid, 'commit', (session) => session.commitOnePhase(gid));
  }

  /** Prepares or commits the open transaction; a session bound to it then closes. */
  private async endTransaction(
    gid: string,
    action: string,
    end: (session: JdbcClient) => Promise<void>,
  ): Promise<void> {
    this.transaction = undefined;
    try {
      this.checkOwner();
      await end(this.session!);
    } catch (error) {
      this.dropTransactionSession();
      throw this.lost(gid, action, error);
    }
    await this.closeTransactionSession();
  }

  /** A new session, connecting with retries (no transaction is open on it yet). */
  private connect(): Promise<JdbcClient> {
    return retryTransient(this.retry, this.setup.connection.describe(), () =>
      this.setup.connector(this.setup.connection.parameters),
    );
  }

  /** The owner session ended: fenced by a newer attempt of this subtask, or the connection was lost. */
  private checkOwner(): void {
    const broken = this.owner?.broken;
    if (broken === undefined) return;
    throw new FreshetError(
      JdbcErrorCode.transactionFailed,
      `the JDBC exactly-once sink's session to ${this.setup.connection.describe()} ended ` +
        `(${describeDatabaseError(broken)}): a newer attempt of this subtask fenced it, or the ` +
        'connection was lost; the task restarts from its last checkpoint',
      { domain: ErrorDomain.external, retryable: true, cause: broken },
    );
  }

  /** Closes a transaction session of its own (MySQL/MariaDB), after its transaction ended. */
  private async closeTransactionSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session === undefined || session === this.owner) return;
    try {
      await session.close();
    } catch {
      session.destroy();
    }
  }

  private dropTransactionSession(): void {
    const session = this.session;
    this.session = undefined;
    session?.destroy();
    if (session === this.owner) this.owner = undefined;
  }

  private dropSessions(): void {
    this.dropTransactionSession();
    this.owner?.destroy();
    this.owner = undefined;
  }

  private lost(gid: string, action: string, error: unknown): FreshetError {
    if (error instanceof FreshetError) return error;
    return new FreshetError(
      JdbcErrorCode.transactionFailed,
      `JDBC exactly-once sink could not ${action} transaction '${gid}' on ` +
        `${this.setup.connection.describe()}: ${describeDatabaseError(error)}; its rows are not ` +
        'written, the task restarts from its last checkpoint',
      { domain: ErrorDomain.external, retryable: true, cause: error },
    );
  }
}

function validCheckpointId(state: JdbcWriterState): number {
  const id = (state as Partial<JdbcWriterState> | undefined)?.checkpointId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new FreshetError(
      'INVALID_JDBC_SINK_STATE',
      `JDBC sink writer state ${JSON.stringify(state)} has no valid checkpointId; ` +
        'the checkpoint was not written by this JDBC sink',
    );
  }
  return id;
}
