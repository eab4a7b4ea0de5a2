/**
 * The timers of one time domain (event or processing time): a heap ordered by timestamp plus an
 * index that makes every (key, namespace, timestamp) timer unique and deletable.
 */
import { heapKeyId } from '../../state/heap/heap-key-id.js';
import { TimerHeap, type HeapTimer } from './timer-heap.js';

/** A timer as the operator sees it when it fires. */
export interface InternalTimer<K = unknown> {
  readonly key: K;
  readonly keyGroup: number;
  readonly namespace: string;
  readonly timestamp: number;
}

interface QueuedTimer<K> extends InternalTimer<K>, HeapTimer {
  readonly keyId: unknown;
}

/**
 * The dedup index: key identity → that key's queued timers. A key has few timers at a time (a
 * window operator: one or two per window in flight), so they sit in a small array searched by
 * (namespace, timestamp); a key with many timers gets a map by `namespace|timestamp` instead. The
 * per-key slot outlives its timers' timestamps, so registering a timer allocates no index maps.
 */
const MAX_LINEAR_TIMERS = 16;

type KeyTimers<K> = QueuedTimer<K>[] | Map<string, QueuedTimer<K>>;

function compositeName(namespace: string, timestamp: number): string {
  return `${namespace}|${timestamp}`;
}

export class TimerQueue<K = unknown> {
  private readonly heap = new TimerHeap<QueuedTimer<K>>();
  private readonly index = new Map<unknown, KeyTimers<K>>();
  private nextSeq = 0;

  get size(): number {
    return this.heap.size;
  }

  /** Adds the timer unless an equal one (same key, namespace and timestamp) is queued; true when added. */
  add(key: K, keyGroup: number, namespace: string, timestamp: number): boolean {
    const keyId = heapKeyId(key);
    let timers = this.index.get(keyId);
    if (timers === undefined) this.index.set(keyId, (timers = []));
    else if (find(timers, namespace, timestamp) !== undefined) return false;
    const timer: QueuedTimer<K> = {
      key,
      keyGroup,
      namespace,
      timestamp,
      seq: this.nextSeq++,
      heapIndex: -1,
      keyId,
    };
    if (Array.isArray(timers)) {
      if (timers.length < MAX_LINEAR_TIMERS) timers.push(timer);
      else {
        const map = new Map<string, QueuedTimer<K>>();
        for (const t of timers) map.set(compositeName(t.namespace, t.timestamp), t);
        map.set(compositeName(namespace, timestamp), timer);
        this.index.set(keyId, map);
      }
    } else timers.set(compositeName(namespace, timestamp), timer);
    this.heap.push(timer);
    return true;
  }

  /** Removes the timer if it is queued; true when it was. */
  remove(key: K, namespace: string, timestamp: number): boolean {
    const timers = this.index.get(heapKeyId(key));
    if (timers === undefined) return false;
    const timer = find(timers, namespace, timestamp);
    if (timer === undefined) return false;
    this.unindex(timer);
    this.heap.remove(timer);
    return true;
  }

  peek(): InternalTimer<K> | undefined {
    return this.heap.peek();
  }

  /**
   * The first `max` (or fewer) timers due at `time`, in firing order, left in the queue (for
   * prefetching their state): taken out and put back with their registration order unchanged.
   */
  due(time: number, max: number): Array<InternalTimer<K>> {
    const taken: QueuedTimer<K>[] = [];
    for (
      let timer = this.heap.peek();
      timer !== undefined && timer.timestamp <= time && taken.length < max;
    ) {
      taken.push(this.heap.poll()!);
      timer = this.heap.peek();
    }
    for (const timer of taken) this.heap.push(timer);
    return taken;
  }

  poll(): InternalTimer<K> | undefined {
    const timer = this.heap.poll();
    if (timer !== undefined) this.unindex(timer);
    return timer;
  }

  private unindex(timer: QueuedTimer<K>): void {
    const timers = this.index.get(timer.keyId);
    if (timers === undefined) return;
    if (Array.isArray(timers)) {
      const at = timers.indexOf(timer);
      if (at < 0) return;
      const last = timers.pop()!;
      if (at < timers.length) timers[at] = last;
      if (timers.length === 0) this.index.delete(timer.keyId);
    } else {
      timers.delete(compositeName(timer.namespace, timer.timestamp));
      if (timers.size === 0) this.index.delete(timer.keyId);
    }
  }

  /** Queued timers in namespace `namespace` (all when omitted); O(n), for gauges and tests. */
  count(namespace?: string): number {
    if (namespace === undefined) return this.heap.size;
    let n = 0;
    for (const timer of this.heap.values()) if (timer.namespace === namespace) n++;
    return n;
  }

  /** All queued timers in firing order (timestamp, then registration order). */
  sorted(): Array<InternalTimer<K>> {
    return [...this.heap.values()].sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  }
}

function find<K>(timers: KeyTimers<K>, namespace: string, timestamp: number): QueuedTimer<K> | undefined {
  if (!Array.isArray(timers)) return timers.get(compositeName(namespace, timestamp));
  for (let i = 0; i < timers.length; i++) {
    const timer = timers[i]!;
    if (timer.timestamp === timestamp && timer.namespace === namespace) return timer;
  }
  return undefined;
}
