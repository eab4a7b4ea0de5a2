/**
 * Decides whether a checkpoint request runs now, waits, or is dropped (Flink's
 * CheckpointRequestDecider). Pure and synchronous: the coordinator passes its current state and
 * acts on the returned decision.
 *
 * Requests wait in a bounded queue ordered savepoints first, then other forced requests, then
 * requests made by hand, then periodic ones, oldest first. The head of the queue runs when:
 * - no other trigger is in progress (triggering is asynchronous: the storage prepares a location);
 * - fewer than `maxConcurrentCheckpoints` checkpoints are pending — unless the head is forced
 *   (savepoints are), which bypasses the limit;
 * - for a periodic head, `minPauseBetweenCheckpoints` has passed since the last completion;
 *   otherwise the periodic request is dropped and the periodic trigger restarts after the rest of
 *   the pause ('skip-min-pause').
 * At most one periodic request waits: a periodic tick while another waits (too many checkpoints
 * pending) is dropped ('skip-too-many-requests'), so waiting ticks do not pile up. A request made
 * while `maxQueuedRequests` others wait is dropped the same way.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointTriggerRequest } from './checkpoint-trigger-request.js';

/** What the decider needs to know about the coordinator. */
export interface CheckpointRequestDeciderState {
  /** A trigger is between its start and the pending checkpoint's creation. */
  readonly isTriggering: boolean;
  readonly numPendingCheckpoints: number;
  /** When the last checkpoint or savepoint completed; undefined before the first. */
  readonly lastCompletionTimestamp: number | undefined;
}

export type CheckpointRequestDecision<R> =
  /** Trigger this request now (it may be an earlier queued one; the new one then waits). */
  | { readonly type: 'trigger'; readonly request: R }
  /** Nothing to trigger now; queued requests are reconsidered by `next` when the state changes. */
  | { readonly type: 'wait' }
  /** The periodic request was dropped: the min pause has `retryAfterMs` to go. */
  | { readonly type: 'skip-min-pause'; readonly request: R; readonly retryAfterMs: number }
  /** The request was dropped: the queue is full, or a periodic request already waits. */
  | { readonly type: 'skip-too-many-requests'; readonly request: R };

export interface CheckpointRequestDeciderSettings {
  readonly maxConcurrentCheckpoints: number;
  readonly minPauseBetweenCheckpointsMs: number;
  /** Flink's default is 1000. */
  readonly maxQueuedRequests?: number;
}

export const DEFAULT_MAX_QUEUED_REQUESTS = 1000;

interface Queued<R> {
  readonly request: R;
  readonly seq: number;
}

export class CheckpointRequestDecider<R extends CheckpointTriggerRequest> {
  private readonly maxConcurrent: number;
  private readonly minPauseMs: number;
  private readonly maxQueued: number;
  private readonly queue: Queued<R>[] = [];
  private seq = 0;

  constructor(
    settings: CheckpointRequestDeciderSettings,
    private readonly clock: () => number,
  ) {
    this.maxConcurrent = settings.maxConcurrentCheckpoints;
    this.minPauseMs = settings.minPauseBetweenCheckpointsMs;
    this.maxQueued = settings.maxQueuedRequests ?? DEFAULT_MAX_QUEUED_REQUESTS;
    if (this.maxConcurrent < 1 || this.maxQueued < 1) {
      throw new FreshetError(
        'ILLEGAL_ARGUMENT',
        `max concurrent checkpoints (${this.maxConcurrent}) and max queued requests (${this.maxQueued}) must be >= 1`,
      );
    }
  }

  get numQueuedRequests(): number {
    return this.queue.length;
  }

  /** Queues a new request and decides what to trigger now. */
  submit(request: R, state: CheckpointRequestDeciderState): CheckpointRequestDecision<R> {
    const periodicWaiting = this.queue.some((queued) => queued.request.isPeriodic);
    if ((request.isPeriodic && periodicWaiting) || this.queue.length >= this.maxQueued) {
      return { type: 'skip-too-many-requests', request };
    }
    const entry: Queued<R> = { request, seq: this.seq++ };
    const index = this.queue.findIndex((queued) => compare(entry, queued) < 0);
    this.queue.splice(index < 0 ? this.queue.length : index, 0, entry);
    return this.next(state);
  }

  /** Decides whether a queued request can be triggered now (after a trigger or checkpoint ended). */
  next(state: CheckpointRequestDeciderState): CheckpointRequestDecision<R> {
    const head = this.queue[0];
    if (state.isTriggering || head === undefined) return { type: 'wait' };
    const forced = head.request.properties.forced;
    if (state.numPendingCheckpoints >= this.maxConcurrent && !forced) return { type: 'wait' };
    if (head.request.isPeriodic && !forced && state.lastCompletionTimestamp !== undefined) {
      const retryAfterMs = state.lastCompletionTimestamp + this.minPauseMs - this.clock();
      if (retryAfterMs > 0) {
        this.queue.shift();
        return { type: 'skip-min-pause', request: head.request, retryAfterMs };
      }
    }
    this.queue.shift();
    return { type: 'trigger', request: head.request };
  }

  /** Empties the queue, returning the requests that were waiting (to be failed). */
  abortAll(): R[] {
    return this.queue.splice(0).map((queued) => queued.request);
  }
}

/** Savepoints, then forced, then non-periodic, then oldest, then first submitted. */
function compare(a: Queued<CheckpointTriggerRequest>, b: Queued<CheckpointTriggerRequest>): number {
  const ra = a.request;
  const rb = b.request;
  const savepointA = CheckpointProperties.isSavepoint(ra.properties);
  const savepointB = CheckpointProperties.isSavepoint(rb.properties);
  if (savepointA !== savepointB) return savepointA ? -1 : 1;
  if (ra.properties.forced !== rb.properties.forced) return ra.properties.forced ? -1 : 1;
  if (ra.isPeriodic !== rb.isPeriodic) return ra.isPeriodic ? 1 : -1;
  return ra.timestamp - rb.timestamp || a.seq - b.seq;
}
