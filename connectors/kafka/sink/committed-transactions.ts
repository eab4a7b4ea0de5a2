/**
 * Tells writers which of the transactions they handed over their subtask's Committer has
 * committed, within one process (one per KafkaSink instance).
 *
 * A writer hands each prepared transaction over again at every checkpoint until it learns here
 * that the commit went through, so every checkpoint holds every transaction not yet known to be
 * committed (Flink's CommitterOperator keeps committables in its state until committed). The
 * runtime forgets a checkpoint's committables as soon as it starts committing them; without
 * this, a process dying while a commit is in flight, after the next checkpoint, would leave that
 * transaction out of the checkpoint the job restores from: never committed, its records lost.
 * Committing twice is harmless (the Committer is idempotent and drops repeats within a call).
 */
import type { KafkaCommittable } from './kafka-committable.js';

export function committableKey(committable: KafkaCommittable): string {
  return `${committable.transactionalId}@${committable.producerId}/${committable.epoch}`;
}

export class CommittedTransactions {
  private readonly watchers = new Map<string, () => void>();

  /** Calls `onCommitted` once a committer reports `committable` committed. */
  watch(committable: KafkaCommittable, onCommitted: () => void): void {
    this.watchers.set(committableKey(committable), onCommitted);
  }

  unwatch(committable: KafkaCommittable): void {
    this.watchers.delete(committableKey(committable));
  }

  committed(committable: KafkaCommittable): void {
    const key = committableKey(committable);
    const onCommitted = this.watchers.get(key);
    if (onCommitted === undefined) return;
    this.watchers.delete(key);
    onCommitted();
  }

  /** Transactions handed over and not yet reported committed (a gauge). */
  get watched(): number {
    return this.watchers.size;
  }
}
