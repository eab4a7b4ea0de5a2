/**
 * Tells a dynamic session assigner the gap after each element (Flink's
 * SessionWindowTimeGapExtractor): a function `(element) => gapMs` or an object with
 * `extract(element)`. The gap must be a positive number of milliseconds.
 */
import { resolveMethod } from '../../functions/functions.js';
import { invalidWindowArgument } from '../windowing-errors.js';

export type SessionWindowTimeGapExtractor<T> = ((element: T) => number) | { extract(element: T): number };

/** Turns an extractor into a checked call: anything but a positive integer gap throws. */
export function resolveGapExtractor<T>(
  extractor: SessionWindowTimeGapExtractor<T>,
  assignerName: string,
): (element: T) => number {
  const extract = resolveMethod<(element: T) => number>(
    extractor,
    'extract',
    `${assignerName} gap extractor`,
  );
  return (element: T): number => {
    const gap = extract(element);
    if (typeof gap !== 'number' || !(gap > 0) || !Number.isSafeInteger(gap)) {
      throw invalidWindowArgument(
        `Dynamic session time gap must satisfy 0 < gap: the ${assignerName} gap extractor returned ` +
          `${describe(gap)}; return a positive integer number of milliseconds`,
      );
    }
    return gap;
  };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
