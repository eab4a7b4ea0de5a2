import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/**
 * How a JDBC sink batches and retries (Flink's JdbcExecutionOptions): a batch is written once
 * `batchSize` rows are buffered, `batchIntervalMs` after the first buffered row (0: never by time),
 * at every checkpoint and at the end of input. A batch that fails with a transient error (lost
 * connection, deadlock, too many connections) is retried up to `maxRetries` times on a new
 * connection, waiting `retryBackoffMs × attempt` before each retry; other errors fail at once.
 */
export class JdbcExecutionOptions {
  static readonly DEFAULT_BATCH_SIZE = 5000;
  static readonly DEFAULT_BATCH_INTERVAL_MS = 0;
  static readonly DEFAULT_MAX_RETRIES = 3;
  static readonly DEFAULT_RETRY_BACKOFF_MS = 1000;

  readonly batchSize: number;
  readonly batchIntervalMs: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;

  constructor(batchSize: number, batchIntervalMs: number, maxRetries: number, retryBackoffMs: number) {
    requireInteger('batchSize', batchSize, 1);
    requireInteger('batchIntervalMs', batchIntervalMs, 0);
    requireInteger('maxRetries', maxRetries, 0);
    requireInteger('retryBackoffMs', retryBackoffMs, 0);
    this.batchSize = batchSize;
    this.batchIntervalMs = batchIntervalMs;
    this.maxRetries = maxRetries;
    this.retryBackoffMs = retryBackoffMs;
  }

  static builder(): JdbcExecutionOptionsBuilder {
    return new JdbcExecutionOptionsBuilder();
  }

  /** Batches of 5000 rows, no time-based flush, 3 retries. */
  static defaults(): JdbcExecutionOptions {
    return JdbcExecutionOptions.builder().build();
  }
}

export class JdbcExecutionOptionsBuilder {
  private batchSize = JdbcExecutionOptions.DEFAULT_BATCH_SIZE;
  private batchIntervalMs = JdbcExecutionOptions.DEFAULT_BATCH_INTERVAL_MS;
  private maxRetries = JdbcExecutionOptions.DEFAULT_MAX_RETRIES;
  private retryBackoffMs = JdbcExecutionOptions.DEFAULT_RETRY_BACKOFF_MS;

  withBatchSize(size: number): this {
    this.batchSize = size;
    return this;
  }

  withBatchIntervalMs(intervalMs: number): this {
    this.batchIntervalMs = intervalMs;
    return this;
  }

  withMaxRetries(maxRetries: number): this {
    this.maxRetries = maxRetries;
    return this;
  }

  /** The wait before retry `n` is `n × backoffMs` (Flink waits 1 s × n). */
  withRetryBackoffMs(backoffMs: number): this {
    this.retryBackoffMs = backoffMs;
    return this;
  }

  build(): JdbcExecutionOptions {
    return new JdbcExecutionOptions(
      this.batchSize,
      this.batchIntervalMs,
      this.maxRetries,
      this.retryBackoffMs,
    );
  }
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new IllegalConfigurationError(
      `JdbcExecutionOptions ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
}
