/**
 * Bounded retries for Kafka calls: a retriable failure (broker unreachable, leader moved, topic
 * metadata not there yet) is retried with exponential backoff (`retry.backoff.ms` doubling up to
 * `retry.backoff.max.ms`) until `default.api.timeout.ms` has passed since the first failure; then
 * the last error is thrown. Anything else is thrown at once. Clock and sleep are injected.
 */
import { toError } from '../../../common/errors/freshet-error.js';

export interface RetryPolicy {
  /** How long a call may keep failing retriably (Kafka's `default.api.timeout.ms`). */
  readonly timeoutMs: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export interface RetryClock {
  now(): number;
  sleep(millis: number): Promise<void>;
}

export const REAL_RETRY_CLOCK: RetryClock = {
  now: () => Date.now(),
  sleep: (millis) => new Promise((resolve) => setTimeout(resolve, millis)),
};

/** Whether a kafkajs (or Freshet) error may go away by trying again. */
export function isRetriableKafkaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, retriable, retryable } = error as {
    name?: unknown;
    retriable?: unknown;
    retryable?: unknown;
  };
  // kafkajs wraps a retriable error it gave up on (its own retries are off here), and reports a
  // group coordinator that is still loading as "not found" after its first try.
  if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSGroupCoordinatorNotFound') return true;
  return retriable === true || retryable === true;
}

/** The message of an error and of its causes, for error texts. */
export function describeKafkaError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    const message =
      current instanceof Error
        ? current.message
        : typeof current === 'string'
          ? current
          : toError(current).message;
    if (!parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

/** The failure that ended `withRetries`, with how long it was retried. */
export class RetriesExhausted extends Error {
  readonly lastError: unknown;
  readonly elapsedMs: number;
  readonly attempts: number;

  constructor(lastError: unknown, elapsedMs: number, attempts: number) {
    super(describeKafkaError(lastError), { cause: lastError });
    this.name = 'RetriesExhausted';
    this.lastError = lastError;
    this.elapsedMs = elapsedMs;
    this.attempts = attempts;
  }
}

/**
 * Runs `operation` until it succeeds; retriable failures are retried until the policy's timeout,
 * after which a RetriesExhausted is thrown. A non-retriable failure is rethrown unchanged.
 * `onRetry` runs before each retry (e.g. to refresh metadata).
 */
export async function withRetries<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  options: {
    readonly clock?: RetryClock;
    readonly isRetriable?: (error: unknown) => boolean;
    readonly isCancelled?: () => boolean;
  } = {},
): Promise<T> {
  const clock = options.clock ?? REAL_RETRY_CLOCK;
  const isRetriable = options.isRetriable ?? isRetriableKafkaError;
  const started = clock.now();
  let backoff = Math.max(1, policy.backoffMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetriable(error)) throw error;
      const elapsed = clock.now() - started;
      if (elapsed >= policy.timeoutMs || options.isCancelled?.() === true) {
        throw new RetriesExhausted(error, elapsed, attempt);
      }
      await clock.sleep(Math.min(backoff, Math.max(1, policy.timeoutMs - elapsed)));
      backoff = Math.min(backoff * 2, Math.max(policy.backoffMs, policy.maxBackoffMs));
    }
  }
}
