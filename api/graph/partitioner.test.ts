import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, computeOperatorIndexForKeyGroup } from '../../common/key-groups.js';
import {
  ChannelSelector,
  PartitionerType,
  SHIP_STRATEGY,
  isPointwise,
  pointwiseSources,
  pointwiseTargets,
} from './partitioner.js';

const select = (selector: ChannelSelector, n: number, record: (i: number) => unknown = (i) => i): number[] =>
  Array.from({ length: n }, (_, i) => selector.selectChannel(record(i)));

function counts(channels: readonly number[], numberOfChannels: number): number[] {
  const c = new Array<number>(numberOfChannels).fill(0);
  for (const ch of channels) c[ch]!++;
  return c;
}

describe('ChannelSelector', () => {
  it.each(['forward', 'global'] as const)('%s always picks channel 0', (type) => {
    const selector = new ChannelSelector(type, 4, 3, 128);
    expect(select(selector, 20)).toEqual(new Array(20).fill(0));
  });

  it('broadcast returns -1 (all channels)', () => {
    const selector = new ChannelSelector('broadcast', 5, 0, 128);
    expect(select(selector, 7)).toEqual(new Array(7).fill(-1));
  });

  it.each(['rebalance', 'rescale'] as const)('%s is round robin over all channels, evenly', (type) => {
    for (let n = 1; n <= 7; n++) {
      for (let producer = 0; producer < 4; producer++) {
        const selector = new ChannelSelector(type, n, producer, 128);
        const picked = select(selector, n * 5);
        // Every channel exactly five times, and consecutive picks step by one (mod n).
        expect(counts(picked, n)).toEqual(new Array(n).fill(5));
        for (let i = 1; i < picked.length; i++) expect(picked[i]).toBe((picked[i - 1]! + 1) % n);
        expect(picked.every((c) => c >= 0 && c < n)).toBe(true);
      }
    }
  });

  it('rebalance starts at a producer-dependent channel, so producers spread their first records', () => {
    const firsts = [0, 1, 2, 3].map((p) => new ChannelSelector('rebalance', 4, p, 128).selectChannel('x'));
    expect(new Set(firsts).size).toBe(4);
  });

  it('rebalance ignores the record', () => {
    const a = new ChannelSelector('rebalance', 3, 0, 128);
    const b = new ChannelSelector('rebalance', 3, 0, 128);
    expect(select(a, 9, () => 'same')).toEqual(select(b, 9, (i) => ({ i })));
  });

  it('shuffle maps the injected random number into the channel range', () => {
    const randoms = [0, 0.2499, 0.25, 0.5, 0.74, 0.75, 0.999999];
    let i = 0;
    const selector = new ChannelSelector('shuffle', 4, 0, 128, undefined, () => randoms[i++]!);
    expect(select(selector, randoms.length)).toEqual([0, 0, 1, 2, 2, 3, 3]);
  });

  it('shuffle stays within range for many random draws', () => {
    let seed = 42;
    const lcg = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const selector = new ChannelSelector('shuffle', 3, 0, 128, undefined, lcg);
    const picked = select(selector, 3000);
    expect(picked.every((c) => Number.isInteger(c) && c >= 0 && c < 3)).toBe(true);
    expect(counts(picked, 3).every((c) => c > 800)).toBe(true);
  });

  it('hash picks the subtask owning the key group of the key', () => {
    const keyOf = (record: unknown): unknown => (record as { user: string }).user;
    for (const [maxP, n] of [
      [128, 1],
      [128, 3],
      [128, 4],
      [7, 5],
      [32768, 11],
    ] as const) {
      const selector = new ChannelSelector('hash', n, 0, maxP, keyOf);
      for (let i = 0; i < 200; i++) {
        const key = `user-${i}`;
        const expected = computeOperatorIndexForKeyGroup(maxP, n, assignToKeyGroup(key, maxP));
        expect(selector.selectChannel({ user: key, i })).toBe(expected);
      }
    }
  });

  it('hash sends the same key to the same channel, from every producer and with any other fields', () => {
    const keyOf = (record: unknown): unknown => (record as [number, number])[0];
    const selectors = [0, 1, 2].map((p) => new ChannelSelector('hash', 4, p, 128, keyOf));
    for (let key = 0; key < 100; key++) {
      const channels = new Set(
        selectors.flatMap((s) => [s.selectChannel([key, 1]), s.selectChannel([key, 99])]),
      );
      expect(channels.size).toBe(1);
    }
  });

  it('hash uses all channels for many keys', () => {
    const selector = new ChannelSelector('hash', 4, 0, 128, (r) => r);
    const picked = select(selector, 1000, (i) => `k${i}`);
    expect(counts(picked, 4).every((c) => c > 100)).toBe(true);
  });

  it('hash without a key selector is an error', () => {
    const selector = new ChannelSelector('hash', 4, 0, 128);
    expect(() => selector.selectChannel(1)).toThrow(/key selector/);
  });
});

describe('ship strategies and point-wise partitioners', () => {
  it('has a Flink ship-strategy name for every partitioner', () => {
    expect(SHIP_STRATEGY).toEqual({
      forward: 'FORWARD',
      rebalance: 'REBALANCE',
      rescale: 'RESCALE',
      shuffle: 'SHUFFLE',
      broadcast: 'BROADCAST',
      global: 'GLOBAL',
      hash: 'HASH',
    });
  });

  it('only forward and rescale are point-wise', () => {
    const pointwise = Object.values(PartitionerType).filter((t) => isPointwise(t));
    expect(pointwise.sort()).toEqual(['forward', 'rescale']);
  });
});

describe('pointwiseTargets / pointwiseSources', () => {
  const sizes = [1, 2, 3, 4, 5, 6];

  it('equal parallelism is one to one', () => {
    for (const n of sizes) {
      for (let i = 0; i < n; i++) {
        expect(pointwiseTargets(i, n, n)).toEqual([i]);
        expect(pointwiseSources(i, n, n)).toEqual([i]);
      }
    }
  });

  it.each(sizes.flatMap((p) => sizes.map((c) => [p, c] as const)))(
    'p=%i producers, c=%i consumers: consistent, complete and contiguous',
    (p, c) => {
      const targets = Array.from({ length: p }, (_, i) => pointwiseTargets(i, p, c));
      const sources = Array.from({ length: c }, (_, j) => pointwiseSources(j, p, c));

      // Every producer feeds at least one consumer, every consumer has at least one producer.
      for (const t of targets) expect(t.length).toBeGreaterThanOrEqual(1);
      for (const s of sources) expect(s.length).toBeGreaterThanOrEqual(1);

      // Targets and sources are inverse relations.
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < c; j++) {
          expect(targets[i]!.includes(j)).toBe(sources[j]!.includes(i));
        }
      }

      // Within range, sorted and contiguous.
      for (const list of [...targets, ...sources]) {
        list.forEach((v, k) => k > 0 && expect(v).toBe(list[k - 1]! + 1));
      }
      for (const t of targets) expect(t.every((j) => j >= 0 && j < c)).toBe(true);
      for (const s of sources) expect(s.every((i) => i >= 0 && i < p)).toBe(true);

      // The smaller side has a single partner: each edge is either fan-out or fan-in, never many-to-many.
      if (p <= c) for (const s of sources) expect(s).toHaveLength(1);
      if (p >= c) for (const t of targets) expect(t).toHaveLength(1);

      // Blocks are balanced: sizes differ by at most one.
      const blockSizes = (p <= c ? targets : sources).map((l) => l.length);
      expect(Math.max(...blockSizes) - Math.min(...blockSizes)).toBeLessThanOrEqual(1);

      // Monotone: a higher producer never feeds a lower consumer than a lower producer does.
      for (let i = 1; i < p; i++) expect(targets[i]![0]!).toBeGreaterThanOrEqual(targets[i - 1]![0]!);
    },
  );

  it('fans out 2 → 4 as [0,1] and [2,3], fans in 4 → 2 as [0,1] and [2,3]', () => {
    expect([0, 1].map((i) => pointwiseTargets(i, 2, 4))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect([0, 1].map((j) => pointwiseSources(j, 4, 2))).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
