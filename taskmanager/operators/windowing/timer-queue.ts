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
 * The dedup index: timestamp → namespace → key identity → timer. Nested maps avoid building a
 * composite string per registration (the window operator registers timers for every element).
 */
type TimerIndex<K> = Map<number, Map<string, Map<unknown, QueuedTimer<K>>>>;

export class TimerQueue<K = unknown> {
  private readonly heap = new TimerHeap<QueuedTimer<K>>();
  private readonly index: TimerIndex<K> = new Map();
  private nextSeq = 0;

  get size(): number {
    return this.heap.size;
  }

  /** Adds the timer unless an equal one (same key, namespace and timestamp) is queued; true when added. */
  add(key: K, keyGroup: number, namespace: string, timestamp: number): boolean {
    const keyId = heapKeyId(key);
    let byNamespace = this.index.get(timestamp);
    if (byNamespace === undefined)
      this.index.set(timestamp, (byNamespace = new Map<string, Map<unknown, QueuedTimer<K>>>()));
    let byKey = byNamespace.get(namespace);
    if (byKey === undefined) byNamespace.set(namespace, (byKey = new Map<unknown, QueuedTimer<K>>()));
    if (byKey.has(keyId)) return false;
    const timer: QueuedTimer<K> = {
      key,
      keyGroup,
      namespace,
      timestamp,
      seq: this.nextSeq++,
      heapIndex: -1,
      keyId,
    };
    byKey.set(keyId, timer);
    this.heap.push(timer);
    return true;
  }

  /** Removes the timer if it is queued; true when it was. */
  remove(key: K, namespace: string, timestamp: number): boolean {
    const timer = this.index.get(timestamp)?.get(namespace)?.get(heapKeyId(key));
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
    const byNamespace = this.index.get(timer.timestamp);
    const byKey = byNamespace?.get(timer.namespace);
    if (byKey === undefined) return;
    byKey.delete(timer.keyId);
    if (byKey.size === 0) {
      byNamespace!.delete(timer.namespace);
      if (byNamespace!.size === 0) this.index.delete(timer.timestamp);
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
