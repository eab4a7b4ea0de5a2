/**
 * The reduce functions behind KeyedStream.sum/min/max/minBy/maxBy, with Flink's semantics:
 * sum/min/max change only the aggregated field and keep the other fields of the first record seen
 * for the key; minBy/maxBy return a whole record (the first or last among equals).
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { ReduceFunction } from '../functions/functions.js';

/** A property name of an object record, or an index into an array (tuple) record. */
export type AggregationField = string | number;

type Getter = (record: unknown) => unknown;
type Setter = (record: unknown, value: unknown) => unknown;

export function fieldAggregator(
  kind: 'sum' | 'min' | 'max' | 'minBy' | 'maxBy',
  field: AggregationField | undefined,
  first: boolean,
): ReduceFunction<unknown> {
  const get = getter(field);
  const set = setter(field);
  const num = (record: unknown): number => {
    const value = get(record);
    if (typeof value !== 'number') {
      throw new UserError(
        'NOT_A_NUMBER',
        `${kind}(${field === undefined ? '' : JSON.stringify(field)}) needs a number, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  switch (kind) {
    case 'sum':
      return (acc, value) => set(acc, num(acc) + num(value));
    case 'min':
      return (acc, value) => (num(value) < num(acc) ? set(acc, num(value)) : acc);
    case 'max':
      return (acc, value) => (num(value) > num(acc) ? set(acc, num(value)) : acc);
    case 'minBy':
      return (acc, value) => {
        const a = num(acc);
        const v = num(value);
        return v < a || (v === a && !first) ? value : acc;
      };
    case 'maxBy':
      return (acc, value) => {
        const a = num(acc);
        const v = num(value);
        return v > a || (v === a && !first) ? value : acc;
      };
  }
}

function getter(field: AggregationField | undefined): Getter {
  if (field === undefined) return (record) => record;
  return (record) => (record as Record<string | number, unknown> | null)?.[field];
}

/** Returns an updated copy: records are values, never mutated in place. */
function setter(field: AggregationField | undefined): Setter {
  if (field === undefined) return (_record, value) => value;
  if (typeof field === 'number') {
    return (record, value) => {
      const copy = [...(record as unknown[])];
      copy[field] = value;
      return copy;
    };
  }
  return (record, value) => ({ ...(record as Record<string, unknown>), [field]: value });
}
