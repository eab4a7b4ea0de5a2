/**
 * Keyed timers of one operator (Flink's InternalTimerService): event-time and processing-time
 * timers, each unique per (key, namespace, timestamp), fired in timestamp order (ties in
 * registration order). The service has no clock and no threads: the operator feeds it watermarks
 * and processing-time wake-ups and asks `nextProcessingTime()` when to schedule the next one.
 * Timers are snapshotted per key group so a restore can take just the key groups it owns.
 */
import type { KeyGroupRange } from '../../../common/key-groups.js';
import { TimerQueue, type InternalTimer } from './timer-queue.js';

export type { InternalTimer } from './timer-queue.js';

/** One timer in a snapshot: [key, namespace, timestamp]. */
export type TimerSnapshotEntry = readonly [key: unknown, namespace: string, timestamp: number];

export interface KeyGroupTimersSnapshot {
  /** In firing order. */
  readonly eventTime: readonly TimerSnapshotEntry[];
  /** In firing order. */
  readonly processingTime: readonly TimerSnapshotEntry[];
}

/** Key group → its timers; only key groups that have timers appear, in ascending order. */
export type InternalTimersSnapshot = ReadonlyMap<number, KeyGroupTimersSnapshot>;

export interface InternalTimerServiceOptions {
  /** The watermark before the first one arrives; defaults to our Long.MIN_VALUE. */
  readonly initialWatermark?: number;
}

export class InternalTimerService<K = unknown> {
  private readonly eventTimeTimers = new TimerQueue<K>();
  private readonly processingTimeTimers = new TimerQueue<K>();
  private watermark: number;

  constructor(options: InternalTimerServiceOptions = {}) {
    this.watermark = options.initialWatermark ?? Number.MIN_SAFE_INTEGER;
  }

  currentWatermark(): number {
    return this.watermark;
  }

  registerEventTimeTimer(key: K, keyGroup: number, namespace: string, timestamp: number): void {
    this.eventTimeTimers.add(key, keyGroup, namespace, timestamp);
  }

  /** `keyGroup` is not needed to find the timer; it is accepted so both calls read alike. */
  deleteEventTimeTimer(key: K, _keyGroup: number, namespace: string, timestamp: number): void {
    this.eventTimeTimers.remove(key, namespace, timestamp);
  }

  registerProcessingTimeTimer(key: K, keyGroup: number, namespace: string, timestamp: number): void {
    this.processingTimeTimers.add(key, keyGroup, namespace, timestamp);
  }

  deleteProcessingTimeTimer(key: K, _keyGroup: number, namespace: string, timestamp: number): void {
    this.processingTimeTimers.remove(key, namespace, timestamp);
  }

  /**
   * Sets the current watermark to `watermark`, then fires every event-time timer with timestamp
   * <= `watermark`, earliest first, including timers `onTimer` registers while this runs. Each
   * timer is removed before `onTimer` sees it.
   */
  advanceWatermark(
    watermark: number,
    onTimer: (timer: InternalTimer<K>) => void,
    prefetch?: (due: readonly InternalTimer<K>[]) => void,
  ): void {
    this.watermark = watermark;
    fireDue(this.eventTimeTimers, watermark, onTimer, prefetch);
  }

  /** Fires every processing-time timer with timestamp <= `now`, earliest first (same rules as above). */
  onProcessingTime(
    now: number,
    onTimer: (timer: InternalTimer<K>) => void,
    prefetch?: (due: readonly InternalTimer<K>[]) => void,
  ): void {
    fireDue(this.processingTimeTimers, now, onTimer, prefetch);
  }

  /** The next (up to) `max` event-time timers a watermark of `watermark` would fire (still queued). */
  dueEventTimers(watermark: number, max: number): Array<InternalTimer<K>> {
    return this.eventTimeTimers.due(watermark, max);
  }

  /** The next (up to) `max` processing-time timers due at `now` (still queued). */
  dueProcessingTimers(now: number, max: number): Array<InternalTimer<K>> {
    return this.processingTimeTimers.due(now, max);
  }

  /** Removes every event-time timer and returns them in firing order (the watermark stays). */
  takeEventTimeTimers(): Array<InternalTimer<K>> {
    const taken: Array<InternalTimer<K>> = [];
    for (let timer = this.eventTimeTimers.poll(); timer !== undefined; timer = this.eventTimeTimers.poll())
      taken.push(timer);
    return taken;
  }

  /** When the earliest processing-time timer is due, so the operator can schedule a wake-up. */
  nextProcessingTime(): number | undefined {
    return this.processingTimeTimers.peek()?.timestamp;
  }

  /** The earliest event-time timer's timestamp. */
  nextEventTime(): number | undefined {
    return this.eventTimeTimers.peek()?.timestamp;
  }

  /** Gauge: event-time timers, only those in `namespace` when given. */
  numEventTimeTimers(namespace?: string): number {
    return this.eventTimeTimers.count(namespace);
  }

  /** Gauge: processing-time timers, only those in `namespace` when given. */
  numProcessingTimeTimers(namespace?: string): number {
    return this.processingTimeTimers.count(namespace);
  }

  snapshot(): InternalTimersSnapshot {
    const groups = new Map<
      number,
      { eventTime: TimerSnapshotEntry[]; processingTime: TimerSnapshotEntry[] }
    >();
    const group = (
      keyGroup: number,
    ): { eventTime: TimerSnapshotEntry[]; processingTime: TimerSnapshotEntry[] } => {
      let g = groups.get(keyGroup);
      if (g === undefined) groups.set(keyGroup, (g = { eventTime: [], processingTime: [] }));
      return g;
    };
    for (const t of this.eventTimeTimers.sorted())
      group(t.keyGroup).eventTime.push([t.key, t.namespace, t.timestamp]);
    for (const t of this.processingTimeTimers.sorted()) {
      group(t.keyGroup).processingTime.push([t.key, t.namespace, t.timestamp]);
    }
    return new Map([...groups.entries()].sort(([a], [b]) => a - b));
  }

  /**
   * Adds the timers of `snapshot` (only of key groups in `keyGroupRange`, when given) to this
   * service, keeping their firing order. The watermark is not part of a snapshot.
   */
  restore(snapshot: InternalTimersSnapshot, keyGroupRange?: KeyGroupRange): void {
    for (const [keyGroup, timers] of snapshot) {
      if (keyGroupRange !== undefined && !keyGroupRange.contains(keyGroup)) continue;
      for (const [key, namespace, timestamp] of timers.eventTime) {
        this.eventTimeTimers.add(key as K, keyGroup, namespace, timestamp);
      }
      for (const [key, namespace, timestamp] of timers.processingTime) {
        this.processingTimeTimers.add(key as K, keyGroup, namespace, timestamp);
      }
    }
  }
}

/** Timers whose state is prefetched in one go, when the backend reads state asynchronously. */
const PREFETCH_BATCH = 8192;

function fireDue<K>(
  queue: TimerQueue<K>,
  time: number,
  onTimer: (timer: InternalTimer<K>) => void,
  prefetch?: (due: readonly InternalTimer<K>[]) => void,
): void {
  if (prefetch === undefined) {
    for (let timer = queue.peek(); timer !== undefined && timer.timestamp <= time; timer = queue.peek()) {
      queue.poll();
      onTimer(timer);
    }
    return;
  }
  // In rounds: the state of the next due timers is fetched at once, then as many timers fire, in
  // order (timers registered or deleted meanwhile take their place in the order as usual).
  for (;;) {
    const due = queue.due(time, PREFETCH_BATCH);
    if (due.length === 0) return;
    prefetch(due);
    for (let n = due.length; n > 0; n--) {
      const timer = queue.peek();
      if (timer === undefined || timer.timestamp > time) return;
      queue.poll();
      onTimer(timer);
    }
  }
}
