/**
 * A binary min-heap of timers ordered by timestamp, ties broken by registration order, in which
 * every timer knows its slot so that deleting an arbitrary timer costs O(log n) (the role of
 * Flink's HeapPriorityQueue under the timer service).
 */

/** A timer as it sits in a heap; `heapIndex` is maintained by the heap. */
export interface HeapTimer {
  readonly timestamp: number;
  /** Registration order, to break timestamp ties first-registered-first. */
  readonly seq: number;
  heapIndex: number;
}

export class TimerHeap<T extends HeapTimer> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(timer: T): void {
    timer.heapIndex = this.items.length;
    this.items.push(timer);
    this.siftUp(timer.heapIndex);
  }

  poll(): T | undefined {
    const head = this.items[0];
    if (head !== undefined) this.removeAt(0);
    return head;
  }

  /** Removes `timer`, which must be in this heap. */
  remove(timer: T): void {
    const index = timer.heapIndex;
    if (this.items[index] !== timer) throw new Error('timer is not in this heap');
    this.removeAt(index);
  }

  /** The timers in heap order (not sorted). */
  values(): readonly T[] {
    return this.items;
  }

  private removeAt(index: number): void {
    const items = this.items;
    const removed = items[index]!;
    const last = items.pop()!;
    removed.heapIndex = -1;
    if (index === items.length) return;
    items[index] = last;
    last.heapIndex = index;
    if (index > 0 && before(last, items[(index - 1) >> 1]!)) this.siftUp(index);
    else this.siftDown(index);
  }

  private siftUp(index: number): void {
    const items = this.items;
    const timer = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!before(timer, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = timer;
    timer.heapIndex = index;
  }

  private siftDown(index: number): void {
    const items = this.items;
    const n = items.length;
    const timer = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(items[right]!, items[left]!) ? right : left;
      const candidate = items[child]!;
      if (!before(candidate, timer)) break;
      items[index] = candidate;
      candidate.heapIndex = index;
      index = child;
    }
    items[index] = timer;
    timer.heapIndex = index;
  }
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}
