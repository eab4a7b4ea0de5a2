import { setTimeout as delay } from 'node:timers/promises';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { isTransientJdbcError, jdbcConnectionError } from './jdbc-errors.js';

/** Waits `ms`; rejects when `signal` aborts (the writer closes). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const defaultSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Retry `n` waits `n × backoffMs`. */
  readonly backoffMs: number;
  readonly sleep: Sleep;
  readonly signal: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error (rethrown as it is), or has
 * failed transiently `maxRetries + 1` times: then the last error if it is a FreshetError, else
 * JDBC_CONNECTION_FAILED naming `target` and the driver's error. `attempt` must leave no broken
 * session behind (discard it on any error).
 */
export async function retryTransient<R>(
  policy: RetryPolicy,
  target: string,
  attempt: () => Promise<R>,
): Promise<R> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransientJdbcError(error)) throw error;
      if (retry >= policy.maxRetries) {
        throw error instanceof FreshetError ? error : jdbcConnectionError(target, retry + 1, error);
      }
    }
    await policy.sleep(policy.backoffMs * (retry + 1), policy.signal);
  }
}
