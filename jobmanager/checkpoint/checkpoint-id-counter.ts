/**
 * Hands out checkpoint IDs (Flink's CheckpointIDCounter). IDs only grow, also across failovers of
 * the job, so a task never confuses a new checkpoint with one from before the restart. The
 * in-memory counter suffices for one JobManager; a highly available one would persist the next ID
 * next to the checkpoint pointers.
 */
import { CheckpointId } from './checkpoint-id.js';

export interface CheckpointIdCounter {
  /** Returns the next ID and advances the counter. */
  getAndIncrement(): CheckpointId;
  /** The ID the next `getAndIncrement` returns. */
  get(): CheckpointId;
  /** Makes `next` the next ID handed out (e.g. one past a restored checkpoint). */
  setCount(next: CheckpointId): void;
}

export class StandaloneCheckpointIdCounter implements CheckpointIdCounter {
  private next: number;

  constructor(initial: CheckpointId = CheckpointId.INITIAL) {
    this.next = initial;
  }

  /** A counter continuing after `latest` (the newest known checkpoint), or from the start. */
  static after(latest: CheckpointId | undefined): StandaloneCheckpointIdCounter {
    return new StandaloneCheckpointIdCounter(latest === undefined ? undefined : CheckpointId.of(latest + 1));
  }

  getAndIncrement(): CheckpointId {
    const id = CheckpointId.of(this.next);
    this.next++;
    return id;
  }

  get(): CheckpointId {
    return CheckpointId.of(this.next);
  }

  setCount(next: CheckpointId): void {
    this.next = next;
  }
}
