import { describe, expect, it } from 'vitest';
import { RandomGenerator } from './random-generator.js';

describe('RandomGenerator', () => {
  it('repeats its sequence for the same seed', () => {
    const a = RandomGenerator.seeded(7);
    const b = RandomGenerator.seeded(7);
    const c = RandomGenerator.seeded(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('keeps values in range', () => {
    const rng = RandomGenerator.seeded(1);
    const ints = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const value = rng.nextInt(-3, 3);
      expect(Number.isInteger(value) && value >= -3 && value <= 3).toBe(true);
      ints.add(value);
      const double = rng.nextDouble();
      expect(double >= 0 && double < 1).toBe(true);
    }
    expect([...ints].sort()).toEqual([-1, -2, -3, 0, 1, 2, 3]);
    expect(rng.nextString(12)).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(() => rng.nextInt(2, 1)).toThrow(/min <= max/);
  });

  it('gives each index its own stream, independent of the order of calls', () => {
    const forward = [0, 1, 2, 2 ** 40, 2 ** 40 + 1].map((index) =>
      RandomGenerator.forIndex(9, index).nextUint32(),
    );
    const reused = RandomGenerator.forIndex(9, 0);
    const backward = [2 ** 40 + 1, 2 ** 40, 2, 1, 0].map((index) => reused.reseed(9, index).nextUint32());
    expect(backward.reverse()).toEqual(forward);
    expect(new Set(forward).size).toBe(forward.length);
  });
});
