import { describe, expect, it } from 'vitest';

import { TimerHeap, type HeapTimer } from './timer-heap.js';

interface T extends HeapTimer {
  readonly name: string;
}

let seq = 0;
const timer = (timestamp: number, name = `${timestamp}`): T => ({
  timestamp,
  seq: seq++,
  heapIndex: -1,
  name,
});

function drain(heap: TimerHeap<T>): string[] {
  const out: string[] = [];
  for (let t = heap.poll(); t !== undefined; t = heap.poll()) out.push(t.name);
  return out;
}

describe('TimerHeap', () => {
  it('polls by timestamp, ties in insertion order', () => {
    const heap = new TimerHeap<T>();
    for (const [ts, name] of [
      [5, 'a'],
      [1, 'b'],
      [5, 'c'],
      [3, 'd'],
      [1, 'e'],
      [-2, 'f'],
    ] as const) {
      heap.push(timer(ts, name));
    }
    expect(heap.peek()?.name).toBe('f');
    expect(drain(heap)).toEqual(['f', 'b', 'e', 'd', 'a', 'c']);
    expect(heap.size).toBe(0);
  });

  it('removes arbitrary timers and keeps the order of the rest', () => {
    const heap = new TimerHeap<T>();
    const timers = Array.from({ length: 200 }, (_, i) => timer((i * 7919) % 101, `t${i}`));
    for (const t of timers) heap.push(t);
    const removed = new Set<T>();
    for (let i = 0; i < timers.length; i += 3) {
      heap.remove(timers[i]!);
      removed.add(timers[i]!);
    }
    const expected = timers
      .filter((t) => !removed.has(t))
      .sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq)
      .map((t) => t.name);
    expect(drain(heap)).toEqual(expected);
  });

  it('refuses to remove a timer it does not hold', () => {
    const heap = new TimerHeap<T>();
    const t = timer(1);
    heap.push(t);
    heap.remove(t);
    expect(() => heap.remove(t)).toThrow(/not in this heap/);
  });
});
