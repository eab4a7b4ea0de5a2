import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/**
 * The `index`-th of `parallelism` contiguous, near-equal parts of `[0, count)` as `[from, to)`;
 * the first `count % parallelism` parts get one element more. Safe for counts up to 2^53.
 */
export function splitRangeEvenly(count: number, parallelism: number, index: number): [number, number] {
  const base = Math.floor(count / parallelism);
  const remainder = count % parallelism;
  const from = index * base + Math.min(index, remainder);
  return [from, from + base + (index < remainder ? 1 : 0)];
}

/** Throws unless `parallelism` is a positive integer. */
export function checkParallelism(parallelism: number): void {
  if (!Number.isSafeInteger(parallelism) || parallelism < 1) {
    throw new IllegalConfigurationError(`parallelism must be a positive integer, got ${parallelism}`);
  }
}
