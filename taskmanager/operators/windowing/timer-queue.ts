/**
 * The timers of one time domain (event or processing time), fired by timestamp, ties in
 * registration order, plus an index that makes every (key, namespace, timestamp) timer unique and
 * deletable.
 *
 * Timers are kept in buckets, one per distinct timestamp, each holding its timers in registration
 * order; a heap orders the buckets by timestamp. Window operators register many timers at few
 * timestamps (every key's window ends at the same instant), so adding a timer is an append and
 * firing walks a bucket in order: no per-timer heap sifting over tens of thousands of timers.
 */
import { VACANT, VacancyCounter } from '../../../common/vacant-entries.js';
import { heapKeyId } from '../../state/heap/heap-key-id.js';

/** A timer as the operator sees it when it fires. */
export interface InternalTimer<K = unknown> {
  readonly key: K;
  readonly keyGroup: number;
  readonly namespace: string;
  readonly timestamp: number;
}

interface QueuedTimer<K> extends InternalTimer<K> {
  readonly keyId: unknown;
  /** Position in its bucket; -1 once it left the queue. */
  slot: number;
}

/** The timers of one timestamp in registration order; removed ones leave a hole. */
class Bucket<K> {
  readonly timers: (QueuedTimer<K> | undefined)[] = [];
  head = 0;
  live = 0;
  heapIndex = -1;

  constructor(readonly timestamp: number) {}

  first(): QueuedTimer<K> | undefined {
    const timers = this.timers;
    while (this.head < timers.length && timers[this.head] === undefined) this.head++;
    return timers[this.head];
  }
}

/**
 * The dedup index: key identity → that key's queued timers. A key has few timers at a time (a
 * window operator: one or two per window in flight), so they sit in a small set searched by
 * timestamp first: the first two inline with their timestamps (one object to read for the common
 * case), more side by side in arrays; a key with many timers gets a map by `namespace|timestamp`.
 */
const MAX_LINEAR_TIMERS = 16;

class LinearKeyTimers<K> {
  private ts0: number | undefined = undefined;
  private t0: QueuedTimer<K> | undefined = undefined;
  private ts1: number | undefined = undefined;
  private t1: QueuedTimer<K> | undefined = undefined;
  /** Timers beyond the first two. */
  private moreTimestamps: number[] | undefined = undefined;
  private moreTimers: QueuedTimer<K>[] | undefined = undefined;
  size = 0;

  find(namespace: string, timestamp: number): QueuedTimer<K> | undefined {
    if (this.ts0 === timestamp && this.t0!.namespace === namespace) return this.t0;
    if (this.ts1 === timestamp && this.t1!.namespace === namespace) return this.t1;
    const timestamps = this.moreTimestamps;
    if (timestamps === undefined) return undefined;
    for (let i = 0; i < timestamps.length; i++) {
      if (timestamps[i] === timestamp && this.moreTimers![i]!.namespace === namespace)
        return this.moreTimers![i];
    }
    return undefined;
  }

  push(timer: QueuedTimer<K>): void {
    this.place(this.size++, timer);
  }

  /** Removes `timer` (its place takes the last one); false when it is not here. */
  delete(timer: QueuedTimer<K>): boolean {
    let at: number;
    if (this.t0 === timer) at = 0;
    else if (this.t1 === timer) at = 1;
    else {
      const i = this.moreTimers?.indexOf(timer) ?? -1;
      if (i < 0) return false;
      at = i + 2;
    }
    const last = this.takeLast();
    if (last !== timer) this.place(at, last);
    return true;
  }

  values(): QueuedTimer<K>[] {
    const out: QueuedTimer<K>[] = [];
    if (this.t0 !== undefined) out.push(this.t0);
    if (this.t1 !== undefined) out.push(this.t1);
    if (this.moreTimers !== undefined) out.push(...this.moreTimers);
    return out;
  }

  private takeLast(): QueuedTimer<K> {
    const at = --this.size;
    if (at >= 2) {
      this.moreTimestamps!.pop();
      return this.moreTimers!.pop()!;
    }
    const last = at === 1 ? this.t1! : this.t0!;
    if (at === 1) {
      this.ts1 = undefined;
      this.t1 = undefined;
    } else {
      this.ts0 = undefined;
      this.t0 = undefined;
    }
    return last;
  }

  /** Puts `timer` at position `at` (at most one past the last). */
  private place(at: number, timer: QueuedTimer<K>): void {
    if (at === 0) {
      this.ts0 = timer.timestamp;
      this.t0 = timer;
    } else if (at === 1) {
      this.ts1 = timer.timestamp;
      this.t1 = timer;
    } else if (at - 2 < (this.moreTimers?.length ?? 0)) {
      this.moreTimestamps![at - 2] = timer.timestamp;
      this.moreTimers![at - 2] = timer;
    } else {
      (this.moreTimestamps ??= []).push(timer.timestamp);
      (this.moreTimers ??= []).push(timer);
    }
  }
}

/** A key's timers: the timer itself while it is the only one (no index allocation per window). */
type KeyTimers<K> = QueuedTimer<K> | LinearKeyTimers<K> | Map<string, QueuedTimer<K>>;

function compositeName(namespace: string, timestamp: number): string {
  return `${namespace}|${timestamp}`;
}

export class TimerQueue<K = unknown> {
  private readonly buckets = new Map<number, Bucket<K>>();
  /** The buckets as a min-heap by timestamp. */
  private readonly heap: Bucket<K>[] = [];
  /**
   * Key identity → the key's timers; VACANT once they are all gone (a session's timer is replaced
   * on every element, a window's when the key's next window starts: see vacant-entries).
   */
  private readonly index = new Map<unknown, KeyTimers<K> | typeof VACANT>();
  private readonly vacancies = new VacancyCounter();
  private readonly indexMaps = [this.index];
  private count_ = 0;

  get size(): number {
    return this.count_;
  }

  /** Adds the timer unless an equal one (same key, namespace and timestamp) is queued; true when added. */
  add(key: K, keyGroup: number, namespace: string, timestamp: number): boolean {
    const keyId = heapKeyId(key);
    const entry = this.index.get(keyId);
    const timers = entry === VACANT ? undefined : entry;
    if (timers !== undefined && find(timers, namespace, timestamp) !== undefined) return false;
    let bucket = this.buckets.get(timestamp);
    if (bucket === undefined) {
      this.buckets.set(timestamp, (bucket = new Bucket<K>(timestamp)));
      bucket.heapIndex = this.heap.length;
      this.heap.push(bucket);
      siftUp(this.heap, bucket.heapIndex);
    }
    const timer: QueuedTimer<K> = { key, keyGroup, namespace, timestamp, keyId, slot: bucket.timers.length };
    bucket.timers.push(timer);
    bucket.live++;
    this.count_++;
    if (timers === undefined) this.index.set(keyId, timer);
    else if (timers instanceof LinearKeyTimers) {
      if (timers.size < MAX_LINEAR_TIMERS) timers.push(timer);
      else {
        const map = new Map<string, QueuedTimer<K>>();
        for (const t of timers.values()) map.set(compositeName(t.namespace, t.timestamp), t);
        map.set(compositeName(namespace, timestamp), timer);
        this.index.set(keyId, map);
      }
    } else if (timers instanceof Map) timers.set(compositeName(namespace, timestamp), timer);
    else {
      const linear = new LinearKeyTimers<K>();
      linear.push(timers);
      linear.push(timer);
      this.index.set(keyId, linear);
    }
    return true;
  }

  /** Removes the timer if it is queued; true when it was. */
  remove(key: K, namespace: string, timestamp: number): boolean {
    const timers = this.index.get(heapKeyId(key));
    if (timers === undefined || timers === VACANT) return false;
    const timer = find(timers, namespace, timestamp);
    if (timer === undefined) return false;
    this.unindex(timer);
    this.take(this.buckets.get(timestamp)!, timer);
    return true;
  }

  peek(): InternalTimer<K> | undefined {
    return this.heap[0]?.first();
  }

  poll(): InternalTimer<K> | undefined {
    const bucket = this.heap[0];
    if (bucket === undefined) return undefined;
    const timer = bucket.first()!;
    this.unindex(timer);
    this.take(bucket, timer);
    return timer;
  }

  /**
   * The first `max` (or fewer) timers due at `time`, in firing order, left in the queue (for
   * prefetching their state).
   */
  due(time: number, max: number): Array<InternalTimer<K>> {
    const taken: QueuedTimer<K>[] = [];
    for (const bucket of this.bucketsInOrder()) {
      if (bucket.timestamp > time) break;
      for (let i = bucket.head; i < bucket.timers.length && taken.length < max; i++) {
        const timer = bucket.timers[i];
        if (timer !== undefined) taken.push(timer);
      }
      if (taken.length >= max) break;
    }
    return taken;
  }

  /** Queued timers in namespace `namespace` (all when omitted); O(n), for gauges and tests. */
  count(namespace?: string): number {
    if (namespace === undefined) return this.count_;
    let n = 0;
    for (const bucket of this.buckets.values()) {
      for (const timer of bucket.timers) if (timer !== undefined && timer.namespace === namespace) n++;
    }
    return n;
  }

  /** All queued timers in firing order (timestamp, then registration order). */
  sorted(): Array<InternalTimer<K>> {
    const out: InternalTimer<K>[] = [];
    for (const bucket of this.bucketsInOrder()) {
      for (let i = bucket.head; i < bucket.timers.length; i++) {
        const timer = bucket.timers[i];
        if (timer !== undefined) out.push(timer);
      }
    }
    return out;
  }

  private bucketsInOrder(): Bucket<K>[] {
    return [...this.buckets.values()].sort((a, b) => a.timestamp - b.timestamp);
  }

  private take(bucket: Bucket<K>, timer: QueuedTimer<K>): void {
    bucket.timers[timer.slot] = undefined;
    timer.slot = -1;
    bucket.live--;
    this.count_--;
    if (bucket.live === 0) {
      this.buckets.delete(bucket.timestamp);
      removeAt(this.heap, bucket.heapIndex);
    } else if (bucket.head > 64 && bucket.head * 2 > bucket.timers.length) {
      const rest = bucket.timers.splice(bucket.head);
      bucket.timers.length = 0;
      bucket.head = 0;
      for (const t of rest) {
        if (t !== undefined) t.slot = bucket.timers.length;
        bucket.timers.push(t);
      }
    }
  }

  private unindex(timer: QueuedTimer<K>): void {
    const timers = this.index.get(timer.keyId);
    if (timers === undefined || timers === VACANT) return;
    if (timers === timer) this.vacate(timer.keyId);
    else if (timers instanceof LinearKeyTimers) {
      // A key that had two timers will likely have two again (a window's timer is registered
      // before the previous window's fired): it keeps its arrays until it has none.
      if (!timers.delete(timer)) return;
      if (timers.size === 0) this.vacate(timer.keyId);
    } else if (timers instanceof Map) {
      timers.delete(compositeName(timer.namespace, timer.timestamp));
      if (timers.size === 0) this.vacate(timer.keyId);
    }
  }

  private vacate(keyId: unknown): void {
    this.index.set(keyId, VACANT);
    this.vacancies.noteVacated(this.indexMaps);
  }

  /** Keys in the dedup index, vacant entries included (for tests of the sweep). */
  get indexedKeys(): number {
    return this.index.size;
  }
}

function find<K>(timers: KeyTimers<K>, namespace: string, timestamp: number): QueuedTimer<K> | undefined {
  if (timers instanceof LinearKeyTimers) return timers.find(namespace, timestamp);
  if (timers instanceof Map) return timers.get(compositeName(namespace, timestamp));
  return timers.timestamp === timestamp && timers.namespace === namespace ? timers : undefined;
}

function siftUp<K>(heap: Bucket<K>[], index: number): void {
  const bucket = heap[index]!;
  while (index > 0) {
    const parentIndex = (index - 1) >> 1;
    const parent = heap[parentIndex]!;
    if (parent.timestamp <= bucket.timestamp) break;
    heap[index] = parent;
    parent.heapIndex = index;
    index = parentIndex;
  }
  heap[index] = bucket;
  bucket.heapIndex = index;
}

function siftDown<K>(heap: Bucket<K>[], index: number): void {
  const n = heap.length;
  const bucket = heap[index]!;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && heap[right]!.timestamp < heap[left]!.timestamp ? right : left;
    const candidate = heap[child]!;
    if (candidate.timestamp >= bucket.timestamp) break;
    heap[index] = candidate;
    candidate.heapIndex = index;
    index = child;
  }
  heap[index] = bucket;
  bucket.heapIndex = index;
}

function removeAt<K>(heap: Bucket<K>[], index: number): void {
  const removed = heap[index]!;
  const last = heap.pop()!;
  removed.heapIndex = -1;
  if (index === heap.length) return;
  heap[index] = last;
  last.heapIndex = index;
  if (index > 0 && last.timestamp < heap[(index - 1) >> 1]!.timestamp) siftUp(heap, index);
  else siftDown(heap, index);
}
