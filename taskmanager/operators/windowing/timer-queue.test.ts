import { describe, expect, it } from 'vitest';
import { TimerQueue } from './timer-queue.js';

function drain(queue: TimerQueue<string>): string[] {
  const out: string[] = [];
  for (let t = queue.poll(); t !== undefined; t = queue.poll()) out.push(`${t.key}@${t.timestamp}`);
  return out;
}

describe('TimerQueue', () => {
  it('polls by timestamp, ties in registration order, and deduplicates', () => {
    const queue = new TimerQueue<string>();
    for (const [key, ts] of [
      ['a', 5],
      ['b', 1],
      ['c', 5],
      ['d', 3],
      ['e', 1],
      ['f', -2],
    ] as const) {
      expect(queue.add(key, 0, 'w', ts)).toBe(true);
    }
    expect(queue.add('c', 0, 'w', 5)).toBe(false);
    expect(queue.size).toBe(6);
    expect(queue.peek()).toMatchObject({ key: 'f', timestamp: -2 });
    expect(drain(queue)).toEqual(['f@-2', 'b@1', 'e@1', 'd@3', 'a@5', 'c@5']);
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
  });

  it('removes arbitrary timers and keeps the order of the rest', () => {
    const queue = new TimerQueue<string>();
    const timers = Array.from({ length: 300 }, (_, i) => ({
      key: `k${i % 37}`,
      ns: `n${i}`,
      ts: (i * 7919) % 11,
    }));
    for (const t of timers) queue.add(t.key, 0, t.ns, t.ts);
    const kept = timers.filter((_, i) => i % 3 !== 0);
    for (let i = 0; i < timers.length; i += 3) {
      expect(queue.remove(timers[i]!.key, timers[i]!.ns, timers[i]!.ts)).toBe(true);
    }
    expect(queue.remove(timers[0]!.key, timers[0]!.ns, timers[0]!.ts)).toBe(false);
    expect(queue.size).toBe(kept.length);
    expect(queue.count('n1')).toBe(1);
    const expected = kept
      .map((t, order) => ({ ...t, order }))
      .sort((a, b) => a.ts - b.ts || a.order - b.order)
      .map((t) => t.ns);
    expect(queue.sorted().map((t) => t.namespace)).toEqual(expected);
    expect(queue.due(5, 1000).map((t) => t.namespace)).toEqual(
      expected.filter((ns) => kept.find((t) => t.ns === ns)!.ts <= 5),
    );
    expect(queue.due(100, 4).map((t) => t.namespace)).toEqual(expected.slice(0, 4));
    const polled: string[] = [];
    for (let t = queue.poll(); t !== undefined; t = queue.poll()) polled.push(t.namespace);
    expect(polled).toEqual(expected);
  });

  it('takes a timestamp again after its last timer left, in order with the others', () => {
    const queue = new TimerQueue<string>();
    queue.add('a', 0, 'w', 10);
    queue.add('b', 0, 'w', 20);
    expect(queue.poll()).toMatchObject({ key: 'a', timestamp: 10 });
    queue.add('c', 0, 'w', 10);
    queue.add('d', 0, 'w', 5);
    queue.add('e', 0, 'w', 10);
    queue.remove('e', 'w', 10);
    queue.add('e', 0, 'w', 10);
    expect(drain(queue)).toEqual(['d@5', 'c@10', 'e@10', 'b@20']);
  });

  it('fires a timer registered for the timestamp being drained after the ones already there', () => {
    const queue = new TimerQueue<string>();
    for (let i = 0; i < 200; i++) queue.add(`k${i}`, 0, 'w', 7);
    const out: string[] = [];
    for (let t = queue.poll(); t !== undefined; t = queue.poll()) {
      out.push(t.key);
      if (t.key === 'k150') queue.add('late', 0, 'w', 7);
    }
    expect(out).toHaveLength(201);
    expect(out.at(-1)).toBe('late');
    expect(out.slice(0, 200)).toEqual(Array.from({ length: 200 }, (_, i) => `k${i}`));
  });

  it('keeps a key whose timers all went as a vacant entry, swept once vacancies could outnumber live keys', () => {
    const queue = new TimerQueue<number>();
    // A key whose timer is replaced over and over keeps one index entry and still deduplicates.
    for (let t = 1; t <= 100; t++) {
      expect(queue.add(7, 0, 'w', t)).toBe(true);
      expect(queue.add(7, 0, 'w', t)).toBe(false);
      expect(queue.remove(7, 'w', t)).toBe(true);
    }
    expect(queue.indexedKeys).toBe(1);
    // Keys that never come back are swept: the index stays bounded by the live keys.
    for (let key = 0; key < 100_000; key++) {
      queue.add(key, 0, 'w', 1_000 + key);
      queue.remove(key, 'w', 1_000 + key);
    }
    expect(queue.size).toBe(0);
    expect(queue.indexedKeys).toBeLessThanOrEqual(2 * 1024 + 1);
    expect(queue.remove(5, 'w', 1_005)).toBe(false);
    expect(queue.add(5, 0, 'w', 1_005)).toBe(true);
    expect(queue.poll()).toMatchObject({ key: 5, namespace: 'w', timestamp: 1_005 });
  });

  it('agrees with a plain model over random adds, removes and polls (1 to 40 timers per key)', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const queue = new TimerQueue<number>();
    // The model: queued timers in firing order (timestamp, then registration).
    const model: Array<{ key: number; namespace: string; timestamp: number; seq: number }> = [];
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      const key = random(3);
      const namespace = `w${random(4)}`;
      const timestamp = random(40);
      const at = model.findIndex(
        (t) => t.key === key && t.namespace === namespace && t.timestamp === timestamp,
      );
      const op = random(10);
      if (op < 6) {
        expect(queue.add(key, 0, namespace, timestamp)).toBe(at < 0);
        if (at < 0) model.push({ key, namespace, timestamp, seq: seq++ });
      } else if (op < 9) {
        expect(queue.remove(key, namespace, timestamp)).toBe(at >= 0);
        if (at >= 0) model.splice(at, 1);
      } else {
        model.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
        const expected = model.shift();
        const polled = queue.poll();
        expect(
          polled && { key: polled.key, namespace: polled.namespace, timestamp: polled.timestamp },
        ).toEqual(
          expected && { key: expected.key, namespace: expected.namespace, timestamp: expected.timestamp },
        );
      }
      expect(queue.size).toBe(model.length);
    }
  });
});
