import type {
  Committer,
  PrecommittingSinkWriter,
  SinkInitContext,
  TwoPhaseCommittingSink,
} from '../../api/connector/sink.js';
import { JdbcAtLeastOnceWriter } from './jdbc-at-least-once-writer.js';
import { connectJdbc } from './connect-jdbc.js';
import type { JdbcConnector } from './jdbc-client.js';
import type { JdbcCommittable, JdbcWriterState } from './jdbc-committable.js';
import { JdbcCommitter, NoOpJdbcCommitter } from './jdbc-committer.js';
import { JdbcConnectionOptions } from './jdbc-connection-options.js';
import { JdbcExactlyOnceOptions } from './jdbc-exactly-once-options.js';
import { JdbcExactlyOnceWriter } from './jdbc-exactly-once-writer.js';
import { JdbcExecutionOptions } from './jdbc-execution-options.js';
import { defaultSleep, type Sleep } from './jdbc-retry.js';
import { JdbcStatement } from './jdbc-statement.js';
import type { JdbcStatementBuilder, JdbcWriterSetup } from './jdbc-writer-setup.js';

/** How the sink reaches the database; tests swap these. */
export interface JdbcSinkRuntime {
  readonly connector: JdbcConnector;
  readonly sleep: Sleep;
}

const DEFAULT_RUNTIME: JdbcSinkRuntime = { connector: connectJdbc, sleep: defaultSleep };

/**
 * Writes rows into PostgreSQL (`pg`) or MySQL/MariaDB (`mysql2`) with one SQL statement with `?`
 * placeholders (Flink's JdbcSink); the URL's scheme picks the database.
 *
 * `JdbcSink.sink(sql, statementBuilder, [executionOptions,] connectionOptions)` is at-least-once:
 * rows are written in batches and at every checkpoint, and may be written again after a retry or
 * a restore. Make the statement an upsert so replays overwrite instead of duplicating:
 * `INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v` (PostgreSQL)
 * or `INSERT INTO t (id, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)` (MySQL/MariaDB).
 *
 * `JdbcSink.exactlyOnceSink(sql, statementBuilder, executionOptions, [exactlyOnceOptions,]
 * connectionOptions)` writes each checkpoint's rows in a transaction that is prepared at the
 * barrier and committed when the checkpoint completes (PostgreSQL needs
 * `max_prepared_transactions > 0`; MySQL/MariaDB use XA): every row is in the table exactly once,
 * visible after the checkpoint that covers it. Needs checkpointing for output to appear before the
 * end of input. `maxRetries` then applies to connecting and committing; a statement inside a
 * transaction is never retried (the task restarts from its last checkpoint instead). On start a
 * writer ends the sessions earlier attempts of its subtask left open and rolls back their prepared
 * transactions, so the database user must be allowed to end its own sessions (it is by default).
 *
 * Both are TwoPhaseCommittingSinks (as Flink's Sink V2 JdbcSink): the at-least-once writer flushes
 * in `prepareCommit` and prepares nothing, so checkpoints wait for its rows.
 */
export class JdbcSink<T> implements TwoPhaseCommittingSink<T, JdbcCommittable, JdbcWriterState> {
  readonly sql: string;
  readonly exactlyOnce: boolean;
  private readonly statementBuilder: JdbcStatementBuilder<T>;
  private readonly executionOptions: JdbcExecutionOptions;
  private readonly connectionOptions: JdbcConnectionOptions;
  private readonly exactlyOnceOptions: JdbcExactlyOnceOptions;
  private readonly runtime: JdbcSinkRuntime;
  private readonly statement: JdbcStatement;

  /** Prefer `JdbcSink.sink` / `JdbcSink.exactlyOnceSink`. */
  constructor(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    executionOptions: JdbcExecutionOptions,
    connectionOptions: JdbcConnectionOptions,
    exactlyOnceOptions: JdbcExactlyOnceOptions | undefined,
    runtime: JdbcSinkRuntime = DEFAULT_RUNTIME,
  ) {
    this.sql = sql;
    this.exactlyOnce = exactlyOnceOptions !== undefined;
    this.statementBuilder = statementBuilder;
    this.executionOptions = executionOptions;
    this.connectionOptions = connectionOptions;
    this.exactlyOnceOptions = exactlyOnceOptions ?? JdbcExactlyOnceOptions.defaults();
    this.runtime = runtime;
    // Parsed now, so a statement without placeholders fails when the job is built.
    this.statement = new JdbcStatement(sql, connectionOptions.parameters.dialect);
  }

  /** At-least-once: batches (5000 rows by default), retries, a flush at every checkpoint. */
  static sink<T>(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    connectionOptions: JdbcConnectionOptions,
  ): JdbcSink<T>;
  static sink<T>(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    executionOptions: JdbcExecutionOptions,
    connectionOptions: JdbcConnectionOptions,
  ): JdbcSink<T>;
  static sink<T>(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    optionsOrConnection: JdbcExecutionOptions | JdbcConnectionOptions,
    connectionOptions?: JdbcConnectionOptions,
  ): JdbcSink<T> {
    if (optionsOrConnection instanceof JdbcConnectionOptions) {
      return new JdbcSink(
        sql,
        statementBuilder,
        JdbcExecutionOptions.defaults(),
        optionsOrConnection,
        undefined,
      );
    }
    return new JdbcSink(sql, statementBuilder, optionsOrConnection, required(connectionOptions), undefined);
  }

  /** Exactly-once through two-phase commit (PostgreSQL prepared transactions, MySQL/MariaDB XA). */
  static exactlyOnceSink<T>(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    executionOptions: JdbcExecutionOptions,
    connectionOptions: JdbcConnectionOptions,
  ): JdbcSink<T>;
  static exactlyOnceSink<T>(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    executionOptions: JdbcExecutionOptions,
    exactlyOnceOptions: JdbcExactlyOnceOptions,
    connectionOptions: JdbcConnectionOptions,
  ): JdbcSink<T>;
  static exactlyOnceSink<T>(
    sql: string,
    statementBuilder: JdbcStatementBuilder<T>,
    executionOptions: JdbcExecutionOptions,
    optionsOrConnection: JdbcExactlyOnceOptions | JdbcConnectionOptions,
    connectionOptions?: JdbcConnectionOptions,
  ): JdbcSink<T> {
    if (optionsOrConnection instanceof JdbcConnectionOptions) {
      return new JdbcSink(
        sql,
        statementBuilder,
        executionOptions,
        optionsOrConnection,
        JdbcExactlyOnceOptions.defaults(),
      );
    }
    return new JdbcSink(
      sql,
      statementBuilder,
      executionOptions,
      required(connectionOptions),
      optionsOrConnection,
    );
  }

  createWriter(
    context: SinkInitContext,
    recoveredState: JdbcWriterState[] = [],
  ): Promise<PrecommittingSinkWriter<T, JdbcCommittable, JdbcWriterState>> {
    const setup: JdbcWriterSetup<T> = {
      statement: this.statement,
      statementBuilder: this.statementBuilder,
      execution: this.executionOptions,
      connection: this.connectionOptions,
      connector: this.runtime.connector,
      sleep: this.runtime.sleep,
    };
    return this.exactlyOnce
      ? JdbcExactlyOnceWriter.create(setup, this.exactlyOnceOptions, context, recoveredState)
      : JdbcAtLeastOnceWriter.create(setup);
  }

  createCommitter(_context: SinkInitContext): Committer<JdbcCommittable> {
    if (!this.exactlyOnce) return new NoOpJdbcCommitter();
    return new JdbcCommitter(
      this.connectionOptions,
      this.runtime.connector,
      this.exactlyOnceOptions.maxCommitAttempts,
      this.executionOptions.retryBackoffMs,
      this.runtime.sleep,
    );
  }
}

function required(connectionOptions: JdbcConnectionOptions | undefined): JdbcConnectionOptions {
  if (connectionOptions === undefined) {
    throw new TypeError('JdbcSink needs JdbcConnectionOptions as its last argument');
  }
  return connectionOptions;
}
