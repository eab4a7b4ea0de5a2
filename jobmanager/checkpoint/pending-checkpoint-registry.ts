/**
 * The coordinator's pending checkpoints, each with the request that started it and its timeout,
 * plus the IDs of the latest aborted ones, so a late acknowledgement is told apart from one for a
 * checkpoint that never existed (Flink remembers 16).
 */
import type { CancelScheduled, SchedulerTimer } from '../scheduler/scheduler-timer.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { PendingCheckpoint } from './pending-checkpoint.js';

export interface PendingEntry<R> {
  readonly pending: PendingCheckpoint;
  readonly request: R;
}

interface Entry<R> extends PendingEntry<R> {
  readonly cancelTimeout: CancelScheduled;
}

export const NUM_GHOST_CHECKPOINT_IDS = 16;

export class PendingCheckpointRegistry<R> {
  private readonly entries = new Map<CheckpointId, Entry<R>>();
  private readonly recentlyAborted: CheckpointId[] = [];

  constructor(
    private readonly timer: SchedulerTimer,
    private readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Registers a pending checkpoint; `onTimeout` runs if it is still registered after the timeout. */
  add(pending: PendingCheckpoint, request: R, onTimeout: (entry: PendingEntry<R>) => void): PendingEntry<R> {
    const entry: Entry<R> = {
      pending,
      request,
      cancelTimeout: this.timer.schedule(this.timeoutMs, () => onTimeout(entry)),
    };
    this.entries.set(pending.checkpointId, entry);
    return entry;
  }

  get(checkpointId: CheckpointId): PendingEntry<R> | undefined {
    return this.entries.get(checkpointId);
  }

  /** All entries, oldest first (a copy: safe to remove while iterating). */
  all(): PendingEntry<R>[] {
    return [...this.entries.values()];
  }

  /** Unregisters a completed or aborted checkpoint and cancels its timeout. */
  remove(checkpointId: CheckpointId, aborted: boolean): void {
    this.entries.get(checkpointId)?.cancelTimeout();
    this.entries.delete(checkpointId);
    if (!aborted) return;
    this.recentlyAborted.push(checkpointId);
    if (this.recentlyAborted.length > NUM_GHOST_CHECKPOINT_IDS) this.recentlyAborted.shift();
  }

  wasRecentlyAborted(checkpointId: CheckpointId): boolean {
    return this.recentlyAborted.includes(checkpointId);
  }
}
