import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/**
 * Options of the exactly-once JDBC sink (Flink's JdbcExactlyOnceOptions):
 * - `recoveredAndRollback` (default true): on start, roll back this subtask's prepared transactions
 *   left by earlier attempts that the restored checkpoint does not contain (they would hold locks
 *   and never commit).
 * - `maxCommitAttempts` (default 3): how often committing a prepared transaction is tried when the
 *   database is unreachable, before the task fails (a restore commits it again).
 */
export class JdbcExactlyOnceOptions {
  static readonly DEFAULT_MAX_COMMIT_ATTEMPTS = 3;

  readonly recoveredAndRollback: boolean;
  readonly maxCommitAttempts: number;

  constructor(recoveredAndRollback: boolean, maxCommitAttempts: number) {
    if (!Number.isSafeInteger(maxCommitAttempts) || maxCommitAttempts < 1) {
      throw new IllegalConfigurationError(
        `JdbcExactlyOnceOptions maxCommitAttempts must be an integer >= 1, got ${maxCommitAttempts}`,
      );
    }
    this.recoveredAndRollback = recoveredAndRollback;
    this.maxCommitAttempts = maxCommitAttempts;
  }

  static builder(): JdbcExactlyOnceOptionsBuilder {
    return new JdbcExactlyOnceOptionsBuilder();
  }

  static defaults(): JdbcExactlyOnceOptions {
    return JdbcExactlyOnceOptions.builder().build();
  }
}

export class JdbcExactlyOnceOptionsBuilder {
  private recoveredAndRollback = true;
  private maxCommitAttempts = JdbcExactlyOnceOptions.DEFAULT_MAX_COMMIT_ATTEMPTS;

  withRecoveredAndRollback(recoveredAndRollback: boolean): this {
    this.recoveredAndRollback = recoveredAndRollback;
    return this;
  }

  withMaxCommitAttempts(attempts: number): this {
    this.maxCommitAttempts = attempts;
    return this;
  }

  build(): JdbcExactlyOnceOptions {
    return new JdbcExactlyOnceOptions(this.recoveredAndRollback, this.maxCommitAttempts);
  }
}
