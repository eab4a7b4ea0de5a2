/** Counts the elements of a window incrementally (SQL's COUNT(*)): one number of state per window. */
import type { AggregateFunction } from 'freshet';

export class CountAggregate implements AggregateFunction<unknown, number, number> {
  createAccumulator(): number {
    return 0;
  }

  add(_value: unknown, count: number): number {
    return count + 1;
  }

  getResult(count: number): number {
    return count;
  }

  merge(a: number, b: number): number {
    return a + b;
  }
}
