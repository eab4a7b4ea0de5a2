import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { fmix32, hashSafeInteger } from '../base/mix32.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TWO_POW_32 = 0x1_0000_0000;

/** Folds any number (integer up to 2^53, or not) into 32 well-mixed bits. */
function hashNumber(value: number): number {
  if (Number.isSafeInteger(value)) return hashSafeInteger(value);
  return fmix32(Math.imul(hashNumber(Math.trunc(value)), 31) ^ Math.round((value % 1) * TWO_POW_32));
}

/**
 * A small deterministic pseudo-random generator (mulberry32): the same seed gives the same
 * sequence on every machine. Not for cryptography.
 */
export class RandomGenerator {
  private state: number;

  private constructor(state: number) {
    this.state = state >>> 0;
  }

  /** A generator whose sequence depends only on `seed`. */
  static seeded(seed: number): RandomGenerator {
    return new RandomGenerator(hashNumber(seed));
  }

  /** A generator for record `index` of a data set with `seed`: mixes both, so records replay exactly. */
  static forIndex(seed: number, index: number): RandomGenerator {
    return new RandomGenerator(0).reseed(seed, index);
  }

  /** Restarts this generator as `forIndex(seed, index)` would (lets a hot loop reuse one object). */
  reseed(seed: number, index: number): this {
    this.state = fmix32(hashNumber(seed) ^ Math.imul(hashNumber(index), 0x9e3779b1) ^ 0x6a09e667);
    return this;
  }

  /** 32 random bits as an unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A double in `[0, 1)` with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer in `[min, max]`, both inclusive (as Flink's RandomGenerator.intGenerator). */
  nextInt(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new IllegalConfigurationError(`nextInt needs integers min <= max, got [${min}, ${max}]`);
    }
    return min + Math.floor(this.nextDouble() * (max - min + 1));
  }

  nextBoolean(): boolean {
    return (this.nextUint32() & 1) === 1;
  }

  /** `length` random characters out of [A-Za-z0-9]. */
  nextString(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += ALPHANUMERIC.charAt(this.nextUint32() % ALPHANUMERIC.length);
    return text;
  }

  /** One element of `values`, chosen uniformly. */
  pick<V>(values: readonly V[]): V {
    if (values.length === 0) throw new IllegalConfigurationError('pick needs at least one value');
    return values[this.nextInt(0, values.length - 1)] as V;
  }
}
