import type { PrecommittingSinkWriter, SinkWriterContext } from '../../api/connector/sink.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JdbcBatchExecutor, type BufferedRow } from './jdbc-batch-executor.js';
import type { JdbcClient } from './jdbc-client.js';
import type { JdbcCommittable, JdbcWriterState } from './jdbc-committable.js';
import { JdbcErrorCode } from './jdbc-errors.js';
import { retryTransient, type RetryPolicy } from './jdbc-retry.js';
import { JdbcRowBuffer } from './jdbc-row-buffer.js';
import type { JdbcWriterSetup } from './jdbc-writer-setup.js';
import { SerialQueue } from './serial-queue.js';

/**
 * The at-least-once JDBC writer (Flink's JdbcOutputFormat behind JdbcSink.sink): buffers rows and
 * writes them in batches (see JdbcRowBuffer for when), at every checkpoint (`prepareCommit`, which
 * the checkpoint waits for, so a completed checkpoint covers every row before its barrier) and at
 * the end of input. Batches run one after another on one session; a batch that fails transiently
 * is retried whole on a new session (JdbcExecutionOptions.maxRetries, backoff), so after a
 * retry or a restore rows may be written twice: make the statement an upsert to be idempotent.
 *
 * Batches written by size or time run in the background: their failure fails the next `write`,
 * `flush` or checkpoint. The writer cannot slow its input down while a batch is written (sink
 * writes are synchronous), so batches queue up behind a slow database until the next checkpoint.
 */
export class JdbcAtLeastOnceWriter<T> implements PrecommittingSinkWriter<
  T,
  JdbcCommittable,
  JdbcWriterState
> {
  private readonly setup: JdbcWriterSetup<T>;
  private readonly executor: JdbcBatchExecutor<T>;
  private readonly buffer: JdbcRowBuffer<T>;
  private readonly queue = new SerialQueue();
  private readonly closing = new AbortController();
  private readonly retry: RetryPolicy;
  private client: JdbcClient | undefined;

  private constructor(setup: JdbcWriterSetup<T>) {
    this.setup = setup;
    this.executor = new JdbcBatchExecutor(setup.statement);
    this.buffer = new JdbcRowBuffer(setup.statement, setup.statementBuilder, setup.execution, (rows) =>
      this.queue.submit(() => this.writeBatch(rows)),
    );
    this.retry = {
      maxRetries: setup.execution.maxRetries,
      backoffMs: setup.execution.retryBackoffMs,
      sleep: setup.sleep,
      signal: this.closing.signal,
    };
  }

  /** Connects (with retries) before the first row, so an unreachable database fails the task at start. */
  static async create<T>(setup: JdbcWriterSetup<T>): Promise<JdbcAtLeastOnceWriter<T>> {
    const writer = new JdbcAtLeastOnceWriter(setup);
    try {
      await writer.queue.run(() =>
        retryTransient(writer.retry, setup.connection.describe(), () => writer.session()),
      );
    } catch (error) {
      await writer.close();
      throw error;
    }
    return writer;
  }

  /** Rows buffered, not yet handed to a batch. */
  get bufferedRows(): number {
    return this.buffer.size;
  }

  write(element: T, _context?: SinkWriterContext): void {
    this.checkUsable();
    this.buffer.add(element);
  }

  /** Writes every buffered row and waits for every batch before it. */
  async flush(_endOfInput: boolean): Promise<void> {
    this.checkUsable();
    const rows = this.buffer.take();
    await this.queue.run(() => this.writeBatch(rows));
  }

  /** At the barrier: the checkpoint completes only once every row before it is written. */
  async prepareCommit(_checkpointId: number): Promise<JdbcCommittable[]> {
    await this.flush(false);
    return [];
  }

  snapshotState(_checkpointId: number): JdbcWriterState[] {
    return [];
  }

  /** Drops buffered rows (a closing task restarts from its last checkpoint) and ends the session. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    this.buffer.close();
    // A batch still running is cut short: closing is for failover or the end, not for waiting.
    if (this.queue.size > 0) this.discardSession();
    await this.queue.drained();
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      await client.close();
    } catch {
      client.destroy();
    }
  }

  private checkUsable(): void {
    this.queue.throwIfFailed();
    if (this.closing.signal.aborted) {
      throw new FreshetError(JdbcErrorCode.writerClosed, 'the JDBC sink writer is closed');
    }
  }

  private writeBatch(rows: readonly BufferedRow<T>[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return retryTransient(this.retry, this.setup.connection.describe(), async () => {
      const client = await this.session();
      try {
        await this.executor.execute(client, rows, false);
      } catch (error) {
        this.discardSession();
        throw error;
      }
    });
  }

  private async session(): Promise<JdbcClient> {
    if (this.client?.broken !== undefined) this.discardSession();
    this.client ??= await this.setup.connector(this.setup.connection.parameters);
    return this.client;
  }

  private discardSession(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}
