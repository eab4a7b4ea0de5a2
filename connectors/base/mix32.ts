/**
 * 32-bit mixing shared by the deterministic generators (datagen, Nexmark): murmur3's finalizer and
 * a hash of a safe integer that lets both of its 32-bit halves count.
 */
const TWO_POW_32 = 0x1_0000_0000;

/** Murmur3's 32-bit finalizer: spreads every input bit over the output. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32 mixed bits of a safe integer (both halves count). */
export function hashSafeInteger(value: number): number {
  const low = value >>> 0;
  const high = Math.floor(value / TWO_POW_32) >>> 0;
  return fmix32(fmix32(low) ^ Math.imul(high ^ 0x9e3779b9, 0x27d4eb2d));
}
