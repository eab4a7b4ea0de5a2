import { describe, expect, it } from 'vitest';
import { KeyBloomFilter } from './key-bloom-filter.js';
import { keyIdBytes, stateKey } from './rocksdb-key-codec.js';

const key = (i: number): Uint8Array => stateKey(i % 128, 3, keyIdBytes(i), `t:${i % 7}:${(i % 7) + 10}`);

describe('KeyBloomFilter', () => {
  it('never forgets a key it was given, and rarely claims one it was not', () => {
    const filter = new KeyBloomFilter();
    expect(filter.mightContain(key(1))).toBe(false);
    for (let i = 0; i < 200_000; i++) filter.add(key(i));
    for (let i = 0; i < 200_000; i++) if (!filter.mightContain(key(i))) expect.fail(`forgot key ${i}`);
    let falsePositives = 0;
    for (let i = 200_000; i < 300_000; i++) if (filter.mightContain(key(i))) falsePositives++;
    expect(falsePositives).toBeLessThan(100); // 0.1% of 100 k
  });
});
