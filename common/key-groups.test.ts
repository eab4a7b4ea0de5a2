import { describe, expect, it } from 'vitest';
import {
  assignToKeyGroup,
  computeDefaultMaxParallelism,
  computeKeyGroupRangeForOperatorIndex,
  computeOperatorIndexForKeyGroup,
  keyHashCode,
  KeyGroupRange,
  murmurHash,
  roundUpToPowerOfTwo,
} from './key-groups.js';

describe('key-group ranges', () => {
  it('splits maxParallelism 128 over 3 subtasks as Flink does', () => {
    const ranges = [0, 1, 2].map((i) => computeKeyGroupRangeForOperatorIndex(128, 3, i));
    expect(ranges.map((r) => [r.startKeyGroup, r.endKeyGroup])).toEqual([
      [0, 42],
      [43, 85],
      [86, 127],
    ]);
  });

  it('covers every key group exactly once and agrees with computeOperatorIndexForKeyGroup', () => {
    for (const maxP of [1, 2, 3, 7, 128, 129, 1000, 4096, 32768]) {
      for (const p of [1, 2, 3, 5, 7, 16, 31, 100, 127, 128, maxP]) {
        if (p > maxP) continue;
        const problems: string[] = [];
        let next = 0;
        for (let i = 0; i < p; i++) {
          const range = computeKeyGroupRangeForOperatorIndex(maxP, p, i);
          const size = range.numberOfKeyGroups;
          if (range.startKeyGroup !== next) problems.push(`subtask ${i} starts at ${range.startKeyGroup}`);
          if (size < Math.floor(maxP / p) || size > Math.ceil(maxP / p))
            problems.push(`subtask ${i} has ${size}`);
          for (const kg of [
            range.startKeyGroup,
            range.endKeyGroup,
            (range.startKeyGroup + range.endKeyGroup) >> 1,
          ]) {
            const owner = computeOperatorIndexForKeyGroup(maxP, p, kg);
            if (owner !== i) problems.push(`key group ${kg} maps to ${owner}, not ${i}`);
          }
          next = range.endKeyGroup + 1;
        }
        if (next !== maxP) problems.push(`ranges end at ${next - 1}`);
        expect(problems, `maxP=${maxP} p=${p}`).toEqual([]);
      }
    }
  });

  it('rejects parallelism above maxParallelism', () => {
    expect(() => computeKeyGroupRangeForOperatorIndex(4, 5, 0)).toThrow(/maxParallelism/);
  });

  it('KeyGroupRange basics', () => {
    const r = new KeyGroupRange(3, 5);
    expect([...r]).toEqual([3, 4, 5]);
    expect(r.contains(2)).toBe(false);
    expect(r.contains(5)).toBe(true);
    expect(KeyGroupRange.EMPTY.numberOfKeyGroups).toBe(0);
  });
});

describe('default max parallelism', () => {
  it('follows min(max(roundUpPow2(p + p/2), 128), 32768)', () => {
    expect(computeDefaultMaxParallelism(1)).toBe(128);
    expect(computeDefaultMaxParallelism(85)).toBe(128); // 127 -> 128
    expect(computeDefaultMaxParallelism(86)).toBe(256); // 129 -> 256
    expect(computeDefaultMaxParallelism(100)).toBe(256); // 150 -> 256
    expect(computeDefaultMaxParallelism(1000)).toBe(2048); // 1500 -> 2048
    expect(computeDefaultMaxParallelism(30000)).toBe(32768); // 45000 -> 65536, capped
  });

  it('rounds up to powers of two exactly', () => {
    for (let k = 0; k <= 30; k++) {
      expect(roundUpToPowerOfTwo(2 ** k)).toBe(2 ** k);
      if (k >= 1) expect(roundUpToPowerOfTwo(2 ** k + 1)).toBe(2 ** (k + 1));
    }
  });
});

describe('keyHashCode (Java hashCode compatibility)', () => {
  it('hashes like java.lang.String / Integer / Long / Double / Boolean', () => {
    expect(keyHashCode('hello')).toBe(99162322);
    expect(keyHashCode('')).toBe(0);
    expect(keyHashCode('user-42')).toBe(-147182656);
    expect(keyHashCode(42)).toBe(42);
    expect(keyHashCode(-7)).toBe(-7);
    expect(keyHashCode(true)).toBe(1231);
    expect(keyHashCode(false)).toBe(1237);
    expect(keyHashCode(2 ** 40)).toBe(256); // Long.hashCode(1099511627776L)
    expect(keyHashCode(-(2 ** 40))).toBe(-256);
    expect(keyHashCode(Number.MAX_SAFE_INTEGER)).toBe(-2097152);
    expect(keyHashCode(1.5)).toBe(1073217536); // Double.hashCode(1.5)
    expect(keyHashCode(-0.1)).toBe(639631363);
    expect(keyHashCode(NaN)).toBe(2146959360);
  });

  it('gives structurally equal object keys the same hash', () => {
    expect(keyHashCode({ a: 1, b: [2, 3] })).toBe(keyHashCode({ b: [2, 3], a: 1 }));
  });
});

describe('murmurHash', () => {
  it('matches Flink MathUtils.murmurHash (values computed by running the Java code)', () => {
    const expected: Array<[number, number]> = [
      [0, 593689054],
      [1, 68075478],
      [-1, 1982413648],
      [42, 1134849565],
      [-7, 206585249],
      [99162322, 1715862179],
      [2147483647, 1653689534],
      [-2147483648, 1718298732],
      [123456789, 1088346449],
    ];
    for (const [input, output] of expected) expect(murmurHash(input)).toBe(output);
  });

  it('is a non-negative 32-bit integer for many inputs', () => {
    const bad: number[] = [];
    let x = 1;
    for (let i = 0; i < 100_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      const h = murmurHash(x);
      if (!(Number.isInteger(h) && h >= 0 && h <= 2147483647)) bad.push(x);
    }
    expect(bad).toEqual([]);
  });

  it('puts keys in the same key groups as Flink', () => {
    // KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism) evaluated in Java.
    expect(assignToKeyGroup('hello', 128)).toBe(35);
    expect(assignToKeyGroup('', 128)).toBe(94);
    expect(assignToKeyGroup('a', 128)).toBe(81);
    expect(assignToKeyGroup('user-42', 128)).toBe(20);
    expect(assignToKeyGroup('Freshet', 128)).toBe(64);
    expect(assignToKeyGroup(42, 128)).toBe(29);
    expect(assignToKeyGroup('hello', 32768)).toBe(31395);
    expect(assignToKeyGroup('Freshet', 32768)).toBe(10176);
  });
});
