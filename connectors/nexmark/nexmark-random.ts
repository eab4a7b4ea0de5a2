/**
 * The random numbers of the Nexmark generator: mulberry32 (as datagen's RandomGenerator) behind a
 * cheaper per-event reseed — the seed is hashed once, not per event — because the generator
 * reseeds for every event and a Nexmark run generates millions per second. Event `n` of seed `s`
 * always draws the same numbers, on every machine.
 */
import { fmix32, hashSafeInteger } from '../base/mix32.js';

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 9007199254740992;

export class NexmarkRandom {
  private readonly seedHash: number;
  private state = 0;

  /** `seed`: a safe integer. */
  constructor(seed: number) {
    this.seedHash = hashSafeInteger(seed);
  }

  /** Restarts the sequence for event `eventNumber` (a non-negative safe integer). */
  reseed(eventNumber: number): this {
    const low = eventNumber >>> 0;
    const high = (eventNumber - low) / TWO_POW_32;
    this.state = fmix32(Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca77) ^ this.seedHash);
    return this;
  }

  /** 32 random bits as an unsigned integer (mulberry32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A double in `[0, 1)` with 32 random bits (enough for prices and probabilities). */
  nextUnit(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer in `[0, bound)` for an integer `1 <= bound <= 2^32` (one draw). */
  nextBelow(bound: number): number {
    return Math.floor(this.nextUint32() * (bound / TWO_POW_32));
  }

  /** An integer in `[0, bound)` for any safe integer `bound >= 1` (two draws). */
  nextBelowLarge(bound: number): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return Math.floor(((high * 67108864 + low) / TWO_POW_53) * bound);
  }
}
