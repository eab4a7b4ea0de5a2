/**
 * Alignment times of the checkpoints a task's barrier handler saw (Flink's checkpointAlignmentTime
 * and checkpointStartDelay): alignment starts when the first barrier of a checkpoint arrives and
 * ends when it arrived on every channel. Only finished alignments are recorded, the most recent
 * `capacity` of them, so the benchmark can read p50/p99 without the history growing without bound.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { CheckpointAlignment, CheckpointBarrier } from './checkpoint-barrier.js';

/** Milliseconds; the epoch clock (`Date.now`) so start delays compare with barrier timestamps. */
export type Clock = () => number;

export const DEFAULT_RETAINED_ALIGNMENTS = 1024;

export interface AlignmentRecord {
  readonly checkpointId: number;
  readonly alignment: CheckpointAlignment;
  /** When the first barrier arrived. */
  readonly startTime: number;
  /** When the barrier had arrived on every channel. */
  readonly endTime: number;
  readonly durationMs: number;
  /** From the coordinator's trigger (barrier timestamp) to the first barrier's arrival. */
  readonly startDelayMs: number;
}

interface InProgress {
  readonly barrier: CheckpointBarrier;
  readonly startTime: number;
}

export class BarrierAlignmentMetrics {
  private readonly inProgress = new Map<number, InProgress>();
  private readonly records: AlignmentRecord[] = [];
  private next = 0;

  constructor(
    private readonly clock: Clock,
    private readonly capacity = DEFAULT_RETAINED_ALIGNMENTS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new FreshetError('INVALID_ARGUMENT', `alignment metrics capacity must be ≥ 1, got ${capacity}`);
    }
  }

  markAlignmentStart(barrier: CheckpointBarrier): void {
    this.inProgress.set(barrier.checkpointId, { barrier, startTime: this.clock() });
  }

  /** Records the finished alignment; undefined when it was never started (or already ended). */
  markAlignmentEnd(checkpointId: number): AlignmentRecord | undefined {
    const started = this.inProgress.get(checkpointId);
    if (started === undefined) return undefined;
    this.inProgress.delete(checkpointId);
    const endTime = this.clock();
    const record: AlignmentRecord = {
      checkpointId,
      alignment: started.barrier.options.alignment,
      startTime: started.startTime,
      endTime,
      durationMs: endTime - started.startTime,
      startDelayMs: Math.max(0, started.startTime - started.barrier.timestamp),
    };
    if (this.records.length < this.capacity) this.records.push(record);
    else this.records[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    return record;
  }

  /** The alignment was abandoned (checkpoint subsumed or cancelled): it is not recorded. */
  markAlignmentAborted(checkpointId: number): void {
    this.inProgress.delete(checkpointId);
  }

  /** How long the oldest alignment still in progress has been running (0 when none is). */
  getCurrentAlignmentDurationMs(): number {
    let oldest: number | undefined;
    for (const { startTime } of this.inProgress.values()) {
      if (oldest === undefined || startTime < oldest) oldest = startTime;
    }
    return oldest === undefined ? 0 : this.clock() - oldest;
  }

  getLastAlignment(): AlignmentRecord | undefined {
    if (this.records.length === 0) return undefined;
    return this.records[(this.next - 1 + this.capacity) % this.capacity];
  }

  /** The retained alignments, oldest first. */
  getAlignments(): readonly AlignmentRecord[] {
    if (this.records.length < this.capacity) return [...this.records];
    return [...this.records.slice(this.next), ...this.records.slice(0, this.next)];
  }

  /** Nearest-rank percentile (0 < p ≤ 100) of the retained alignment durations. */
  durationPercentile(p: number): number | undefined {
    if (!(p > 0 && p <= 100)) {
      throw new FreshetError('INVALID_ARGUMENT', `percentile must be in (0, 100], got ${p}`);
    }
    if (this.records.length === 0) return undefined;
    const sorted = this.records.map((r) => r.durationMs).sort((a, b) => a - b);
    return sorted[Math.ceil((p / 100) * sorted.length) - 1];
  }
}
