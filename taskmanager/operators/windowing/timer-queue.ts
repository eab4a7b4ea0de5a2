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
  readonly id: string;
}

export class TimerQueue<K = unknown> {
  private readonly heap = new TimerHeap<QueuedTimer<K>>();
  private readonly byId = new Map<string, QueuedTimer<K>>();
  private nextSeq = 0;

  get size(): number {
    return this.heap.size;
  }

  /** Adds the timer unless an equal one (same key, namespace and timestamp) is queued; true when added. */
  add(key: K, keyGroup: number, namespace: string, timestamp: number): boolean {
    const id = timerId(key, namespace, timestamp);
    if (this.byId.has(id)) return false;
    const timer: QueuedTimer<K> = {
      key,
      keyGroup,
      namespace,
      timestamp,
      seq: this.nextSeq++,
      heapIndex: -1,
      id,
    };
    this.byId.set(id, timer);
    this.heap.push(timer);
    return true;
  }

  /** Removes the timer if it is queued; true when it was. */
  remove(key: K, namespace: string, timestamp: number): boolean {
    const timer = this.byId.get(timerId(key, namespace, timestamp));
    if (timer === undefined) return false;
    this.byId.delete(timer.id);
    this.heap.remove(timer);
    return true;
  }

  peek(): InternalTimer<K> | undefined {
    return this.heap.peek();
  }

  poll(): InternalTimer<K> | undefined {
    const timer = this.heap.poll();
    if (timer !== undefined) this.byId.delete(timer.id);
    return timer;
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

/** Timestamp first and a separator no namespace or key identity can forge at that position. */
function timerId(key: unknown, namespace: string, timestamp: number): string {
  return `${timestamp}\u0000${namespace.length}:${namespace}${heapKeyId(key)}`;
}
