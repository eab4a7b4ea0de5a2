import { NexmarkRandom } from './nexmark-random.js';

/**
 * Random strings for the Nexmark generator, cheap enough for millions of events per second: the
 * text is drawn once into fixed pools (from a fixed seed, so they are the same in every process)
 * and each string is a slice of a pool at a random offset — as nexmark-flink reuses one 1 MiB
 * random string for `extra`. A slice costs two random draws instead of one per character.
 */
const POOL_SEED = 0x4e45584d; // 'NEXM'
/** nexmark-flink's StringsGenerator.MIN_STRING_LENGTH. */
const MIN_STRING_LENGTH = 3;
/** Lower-case letters for `extra` (nexmark-flink: 1 MiB). */
const EXTRA_POOL_LENGTH = 1 << 20;
/** Lower-case letters with a space one time in 13, for names and descriptions. */
const TEXT_POOL_LENGTH = 1 << 16;
const LOWER_A = 0x61;
const SPACE = 0x20;

/** Random text: lower-case letters, and one time in 13 `special` if given (nexmark's nextString). */
export function randomText(rng: NexmarkRandom, length: number, special?: number): string {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    bytes[i] = special !== undefined && rng.nextBelow(13) === 0 ? special : LOWER_A + rng.nextBelow(26);
  }
  return bytes.toString('latin1');
}

let extraPool: string | undefined;
let textPool: string | undefined;

function getExtraPool(): string {
  extraPool ??= randomText(new NexmarkRandom(POOL_SEED).reseed(0), EXTRA_POOL_LENGTH);
  return extraPool;
}

function getTextPool(): string {
  textPool ??= randomText(new NexmarkRandom(POOL_SEED).reseed(1), TEXT_POOL_LENGTH, SPACE);
  return textPool;
}

/**
 * A random string of 3 to `maxLength - 1` characters (letters, a space one time in 13), trimmed,
 * so sometimes shorter (nexmark-flink's `nextString`).
 */
export function nextString(rng: NexmarkRandom, maxLength: number): string {
  const pool = getTextPool();
  const length = MIN_STRING_LENGTH + rng.nextBelow(maxLength - MIN_STRING_LENGTH);
  const offset = rng.nextBelow(pool.length - length);
  return pool.substring(offset, offset + length).trim();
}

/** Exactly `length` random lower-case letters. */
export function nextExactString(rng: NexmarkRandom, length: number): string {
  const pool = getExtraPool();
  if (length > pool.length / 2) return randomText(rng, length);
  const offset = rng.nextBelow(pool.length - length + 1);
  return pool.substring(offset, offset + length);
}

/**
 * Padding so that `currentSize + extra.length` averages `desiredAverageSize` (nexmark-flink's
 * `nextExtra`): with `d = desiredAverageSize - currentSize` and `delta = round(d / 5)`, the length
 * is uniform in `[d - delta, d + delta)`; empty when `currentSize` already exceeds the target.
 * `currentSize` is nexmark-flink's size accounting: 8 bytes per counted number plus the length of
 * each counted string (which fields it counts is documented at each generator).
 */
export function nextExtra(rng: NexmarkRandom, currentSize: number, desiredAverageSize: number): string {
  if (currentSize > desiredAverageSize) return '';
  const wanted = desiredAverageSize - currentSize;
  const delta = Math.round(wanted * 0.2);
  const size = wanted - delta + (delta === 0 ? 0 : rng.nextBelow(2 * delta));
  return nextExactString(rng, size);
}
