/**
 * Key groups: the unit of keyed-state distribution (Flink's KeyGroupRangeAssignment).
 * A key maps to a key group by `murmur(hash(key)) % maxParallelism`; subtask i of p owns the
 * contiguous range [ceil(i*maxP/p), floor(((i+1)*maxP - 1)/p)]. All pure functions.
 */
import { UserError } from './errors/freshet-error.js';

export const DEFAULT_LOWER_BOUND_MAX_PARALLELISM = 128;
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

export class KeyGroupRange {
  static readonly EMPTY = new KeyGroupRange(0, -1);

  constructor(
    readonly startKeyGroup: number,
    readonly endKeyGroup: number,
  ) {}

  get numberOfKeyGroups(): number {
    return Math.max(0, this.endKeyGroup - this.startKeyGroup + 1);
  }

  contains(keyGroup: number): boolean {
    return keyGroup >= this.startKeyGroup && keyGroup <= this.endKeyGroup;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let g = this.startKeyGroup; g <= this.endKeyGroup; g++) yield g;
  }

  toString(): string {
    return `KeyGroupRange{startKeyGroup=${this.startKeyGroup}, endKeyGroup=${this.endKeyGroup}}`;
  }
}

/** Flink's default max parallelism rule: min(max(roundUpPow2(p + p/2), 128), 32768). */
export function computeDefaultMaxParallelism(parallelism: number): number {
  const target = parallelism + Math.floor(parallelism / 2);
  return Math.min(
    Math.max(roundUpToPowerOfTwo(target), DEFAULT_LOWER_BOUND_MAX_PARALLELISM),
    UPPER_BOUND_MAX_PARALLELISM,
  );
}

export function roundUpToPowerOfTwo(x: number): number {
  if (x <= 1) return 1;
  return 2 ** Math.ceil(Math.log2(x));
}

export function checkParallelismPreconditions(parallelism: number, maxParallelism: number): void {
  if (
    !Number.isInteger(maxParallelism) ||
    maxParallelism < 1 ||
    maxParallelism > UPPER_BOUND_MAX_PARALLELISM
  ) {
    throw new UserError(
      'INVALID_MAX_PARALLELISM',
      `maxParallelism must be an integer in [1, ${UPPER_BOUND_MAX_PARALLELISM}], got ${maxParallelism}`,
    );
  }
  if (parallelism > maxParallelism) {
    throw new UserError(
      'PARALLELISM_ABOVE_MAX',
      `parallelism ${parallelism} is above maxParallelism ${maxParallelism}; lower the parallelism or raise setMaxParallelism`,
    );
  }
}

export function computeKeyGroupRangeForOperatorIndex(
  maxParallelism: number,
  parallelism: number,
  operatorIndex: number,
): KeyGroupRange {
  checkParallelismPreconditions(parallelism, maxParallelism);
  const start = Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism);
  const end = Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism);
  return new KeyGroupRange(start, end);
}

export function computeOperatorIndexForKeyGroup(
  maxParallelism: number,
  parallelism: number,
  keyGroup: number,
): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  return computeKeyGroupForKeyHash(keyHashCode(key), maxParallelism);
}

export function computeKeyGroupForKeyHash(keyHash: number, maxParallelism: number): number {
  return murmurHash(keyHash) % maxParallelism;
}

export function assignKeyToParallelOperator(
  key: unknown,
  maxParallelism: number,
  parallelism: number,
): number {
  return computeOperatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
}

/** Flink's MathUtils.murmurHash(int): one murmur3 round plus finalizer, made non-negative. */
export function murmurHash(code: number): number {
  let h = Math.imul(code | 0, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  if (h >= 0) return h;
  if (h !== -2147483648) return -h;
  return 0;
}

/**
 * A Java-compatible hashCode for the key types a TypeScript job uses, so strings and integers land
 * in the same key groups as in Flink: strings hash like java.lang.String, safe integers like
 * Integer/Long, other numbers like Double, booleans like Boolean. Anything else hashes its
 * canonical JSON text (object keys sorted), so equal structures get equal key groups.
 */
export function keyHashCode(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return stringHashCode(key);
    case 'number':
      return numberHashCode(key);
    case 'bigint':
      return longHashCode(BigInt.asIntN(64, key));
    case 'boolean':
      return key ? 1231 : 1237;
    case 'undefined':
      return 0;
    default:
      return key === null ? 0 : stringHashCode(canonicalKeyString(key));
  }
}

export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function numberHashCode(n: number): number {
  if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return n | 0;
  if (Number.isSafeInteger(n)) return longHashCode(BigInt(n));
  f64[0] = n === 0 ? 0 : Number.isNaN(n) ? NaN : n; // Java canonicalises NaN and 0.0
  return (u32[0]! ^ u32[1]!) | 0;
}

function longHashCode(v: bigint): number {
  const unsigned = BigInt.asUintN(64, v);
  return Number(BigInt.asIntN(32, unsigned ^ (unsigned >> 32n)));
}

/** A stable string for a key of any JSON-like shape: the identity used by keyed state maps. */
export function canonicalKeyString(key: unknown): string {
  return JSON.stringify(key, (_k, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
      return sorted;
    }
    if (typeof value === 'bigint') return `${value}n`;
    return value;
  });
}
