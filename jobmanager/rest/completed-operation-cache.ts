/**
 * Where the REST layer keeps asynchronous operations (savepoints) until clients have asked how they
 * ended (Flink's CompletedOperationCache): an operation is in progress until its promise settles,
 * then completed or failed for `storeDurationMs` (Flink's `rest.async.store-duration`, 5 min), after
 * which it is forgotten. Bounded: at most `maxOperations` entries; when full, the oldest finished
 * one makes room, and when all are still running a new one is refused (429).
 */
import { toError } from '../../common/errors/freshet-error.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

export type OperationResult<R> =
  | { readonly status: 'in-progress' }
  | { readonly status: 'completed'; readonly value: R }
  | { readonly status: 'failed'; readonly error: Error };

export interface CompletedOperationCacheOptions {
  readonly clock: () => number;
  /** How long a finished operation's result is kept; default 5 minutes. */
  readonly storeDurationMs?: number;
  /** Most operations kept at once, running or finished; default 1000. */
  readonly maxOperations?: number;
}

export const DEFAULT_STORE_DURATION_MS = 5 * 60_000;
export const DEFAULT_MAX_OPERATIONS = 1000;

interface Entry<R> {
  result: OperationResult<R>;
  /** When it finished (clock millis); undefined while in progress. */
  finishedAt: number | undefined;
}

export class CompletedOperationCache<K extends string, R> {
  private readonly entries = new Map<K, Entry<R>>();
  private readonly clock: () => number;
  private readonly storeDurationMs: number;
  private readonly maxOperations: number;

  constructor(options: CompletedOperationCacheOptions) {
    this.clock = options.clock;
    this.storeDurationMs = options.storeDurationMs ?? DEFAULT_STORE_DURATION_MS;
    this.maxOperations = options.maxOperations ?? DEFAULT_MAX_OPERATIONS;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Throws 429 when `maxOperations` are all still running. Call it before starting an operation,
   * so a refused one never starts.
   */
  reserve(): void {
    if (this.makeRoom()) return;
    throw new RestHandlerError(
      HttpStatus.TOO_MANY_REQUESTS,
      `${this.maxOperations} asynchronous operations are still in progress; try again when some have ended`,
    );
  }

  /**
   * Keeps `operation` under `key`. Never refuses (the operation already runs and its outcome must
   * be kept), so the cache can exceed `maxOperations` by the operations started concurrently.
   */
  register(key: K, operation: Promise<R>): void {
    const entry: Entry<R> = { result: { status: 'in-progress' }, finishedAt: undefined };
    void operation.then(
      (value) => this.finish(entry, { status: 'completed', value }),
      (error: unknown) => this.finish(entry, { status: 'failed', error: toError(error) }),
    );
    this.makeRoom();
    this.entries.delete(key); // a key is registered once; were it not, the newest outcome wins
    this.entries.set(key, entry);
  }

  has(key: K): boolean {
    this.expire();
    return this.entries.has(key);
  }

  /** Undefined for a key never registered or already forgotten. */
  get(key: K): OperationResult<R> | undefined {
    this.expire();
    return this.entries.get(key)?.result;
  }

  private finish(entry: Entry<R>, result: OperationResult<R>): void {
    entry.result = result;
    entry.finishedAt = this.clock();
  }

  /** Forgets expired results, then the oldest finished one if still full; false when that is not enough. */
  private makeRoom(): boolean {
    this.expire();
    if (this.entries.size < this.maxOperations) return true;
    for (const [key, entry] of this.entries) {
      if (entry.finishedAt !== undefined) {
        this.entries.delete(key);
        return true;
      }
    }
    return false;
  }

  private expire(): void {
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (entry.finishedAt !== undefined && now - entry.finishedAt >= this.storeDurationMs) {
        this.entries.delete(key);
      }
    }
  }
}
