import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import type { BufferedRow } from './jdbc-batch-executor.js';
import { describeRow, JdbcErrorCode } from './jdbc-errors.js';
import type { JdbcExecutionOptions } from './jdbc-execution-options.js';
import type { JdbcStatement } from './jdbc-statement.js';
import type { JdbcStatementBuilder } from './jdbc-writer-setup.js';

/**
 * Collects a writer's rows into batches: a batch is handed to `onBatch` once `batchSize` rows are
 * buffered, or `batchIntervalMs` after the first row of a batch arrived (a timer, cleared by
 * `take` and `close`). Parameters are built and checked against the statement's placeholders
 * when the row arrives, so a bad row fails in `write` naming itself.
 */
export class JdbcRowBuffer<T> {
  private readonly statement: JdbcStatement;
  private readonly statementBuilder: JdbcStatementBuilder<T>;
  private readonly options: JdbcExecutionOptions;
  private readonly onBatch: (rows: BufferedRow<T>[]) => void;
  private rows: BufferedRow<T>[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    statement: JdbcStatement,
    statementBuilder: JdbcStatementBuilder<T>,
    options: JdbcExecutionOptions,
    onBatch: (rows: BufferedRow<T>[]) => void,
  ) {
    this.statement = statement;
    this.statementBuilder = statementBuilder;
    this.options = options;
    this.onBatch = onBatch;
  }

  get size(): number {
    return this.rows.length;
  }

  add(element: T): void {
    const params = this.statementBuilder(element);
    if (!Array.isArray(params) || params.length !== this.statement.placeholderCount) {
      throw new FreshetError(
        JdbcErrorCode.invalidRow,
        `JDBC sink statement builder returned ${Array.isArray(params) ? `${params.length} parameter(s)` : 'no array'} ` +
          `for ${describeRow(element, Array.isArray(params) ? params : [])}, but the statement has ` +
          `${this.statement.placeholderCount} '?' placeholder(s): ${this.statement.sql}`,
        { domain: ErrorDomain.user },
      );
    }
    this.rows.push({ element, params });
    if (this.rows.length >= this.options.batchSize) {
      this.onBatch(this.take());
    } else if (this.timer === undefined && this.options.batchIntervalMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.rows.length > 0) this.onBatch(this.take());
      }, this.options.batchIntervalMs);
      this.timer.unref();
    }
  }

  /** Every buffered row, in order; the buffer is empty afterwards. */
  take(): BufferedRow<T>[] {
    this.cancelTimer();
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  close(): void {
    this.cancelTimer();
    this.rows = [];
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
