import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, type KeyedStream, type SingleOutputStreamOperator } from 'freshet';
import { UserError } from '../../common/errors/freshet-error.js';
import { resolveMethod } from '../functions/functions.js';
import { fieldAggregator } from './field-aggregators.js';

interface Trade {
  readonly sym: string;
  readonly px: number;
  readonly qty: number;
  readonly seq: number;
}

type Tuple = [string, number, string];

/** Runs a rolling aggregation at parallelism 2 and returns the emitted records grouped per key, in order. */
async function rolling<T>(
  elements: readonly T[],
  keyOf: (value: T) => string,
  aggregate: (keyed: KeyedStream<T, string>) => SingleOutputStreamOperator<T>,
): Promise<Map<string, T[]>> {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(2);
  const out = await aggregate(env.fromElements(...elements).keyBy(keyOf)).executeAndCollect('aggregation');
  expect(out).toHaveLength(elements.length); // rolling: one output per input
  const perKey = new Map<string, T[]>();
  for (const record of out) perKey.set(keyOf(record), [...(perKey.get(keyOf(record)) ?? []), record]);
  return perKey;
}

const trades: Trade[] = [
  { sym: 'a', px: 5, qty: 1, seq: 1 },
  { sym: 'b', px: 7, qty: 10, seq: 2 },
  { sym: 'a', px: 3, qty: 2, seq: 3 },
  { sym: 'a', px: 8, qty: 4, seq: 4 },
  { sym: 'b', px: 7, qty: 20, seq: 5 },
  { sym: 'a', px: 3, qty: 8, seq: 6 },
];

describe('KeyedStream field aggregations (rolling, per key)', () => {
  it('sum keeps the other fields of the first record of the key', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.sum('qty'),
    );
    expect(perKey.get('a')).toEqual([
      { sym: 'a', px: 5, qty: 1, seq: 1 },
      { sym: 'a', px: 5, qty: 3, seq: 1 },
      { sym: 'a', px: 5, qty: 7, seq: 1 },
      { sym: 'a', px: 5, qty: 15, seq: 1 },
    ]);
    expect(perKey.get('b')).toEqual([
      { sym: 'b', px: 7, qty: 10, seq: 2 },
      { sym: 'b', px: 7, qty: 30, seq: 2 },
    ]);
  });

  it('min changes only the field; the rest stays from the first record', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.min('px'),
    );
    expect(perKey.get('a')).toEqual([
      { sym: 'a', px: 5, qty: 1, seq: 1 },
      { sym: 'a', px: 3, qty: 1, seq: 1 },
      { sym: 'a', px: 3, qty: 1, seq: 1 },
      { sym: 'a', px: 3, qty: 1, seq: 1 },
    ]);
    expect(perKey.get('b')!.map((t) => [t.px, t.seq])).toEqual([
      [7, 2],
      [7, 2],
    ]);
  });

  it('max changes only the field; the rest stays from the first record', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.max('px'),
    );
    expect(perKey.get('a')).toEqual([
      { sym: 'a', px: 5, qty: 1, seq: 1 },
      { sym: 'a', px: 5, qty: 1, seq: 1 },
      { sym: 'a', px: 8, qty: 1, seq: 1 },
      { sym: 'a', px: 8, qty: 1, seq: 1 },
    ]);
  });

  it('minBy returns whole records, the first among equals by default', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.minBy('px'),
    );
    expect(perKey.get('a')!.map((t) => t.seq)).toEqual([1, 3, 3, 3]);
    expect(perKey.get('b')!.map((t) => t.seq)).toEqual([2, 2]);
  });

  it('minBy(field, false) takes the last among equals', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.minBy('px', false),
    );
    expect(perKey.get('a')!.map((t) => t.seq)).toEqual([1, 3, 3, 6]);
    expect(perKey.get('b')!.map((t) => t.seq)).toEqual([2, 5]);
  });

  it('maxBy returns whole records, the first among equals by default', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.maxBy('px'),
    );
    expect(perKey.get('a')).toEqual([trades[0], trades[0], trades[3], trades[3]]);
    expect(perKey.get('b')!.map((t) => t.seq)).toEqual([2, 2]);
  });

  it('maxBy(field, false) takes the last among equals', async () => {
    const perKey = await rolling(
      trades,
      (t) => t.sym,
      (k) => k.maxBy('px', false),
    );
    expect(perKey.get('b')!.map((t) => t.seq)).toEqual([2, 5]);
    expect(perKey.get('a')!.map((t) => t.seq)).toEqual([1, 1, 4, 4]);
  });

  it('aggregates tuple (array) records by index and keeps them arrays', async () => {
    const tuples: Tuple[] = [
      ['x', 1, 'first'],
      ['y', 5, 'only-y'],
      ['x', 2, 'second'],
      ['x', 4, 'third'],
    ];
    const sums = await rolling(
      tuples,
      (t) => t[0],
      (k) => k.sum(1),
    );
    expect(sums.get('x')).toEqual([
      ['x', 1, 'first'],
      ['x', 3, 'first'],
      ['x', 7, 'first'],
    ]);
    expect(sums.get('x')!.every((t) => Array.isArray(t))).toBe(true);
    expect(sums.get('y')).toEqual([['y', 5, 'only-y']]);

    const maxBys = await rolling(
      tuples,
      (t) => t[0],
      (k) => k.maxBy(1),
    );
    expect(maxBys.get('x')!.map((t) => t[2])).toEqual(['first', 'second', 'third']);
    const mins = await rolling(
      tuples,
      (t) => t[0],
      (k) => k.min(1),
    );
    expect(mins.get('x')).toEqual([
      ['x', 1, 'first'],
      ['x', 1, 'first'],
      ['x', 1, 'first'],
    ]);
  });

  it('without a field, aggregates the values themselves', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(2);
    const out = await env
      .fromElements(1, 2, 3, 4, 5, 6)
      .keyBy((x) => x % 2)
      .sum()
      .executeAndCollect();
    // Odd key: 1, 1+3, 1+3+5; even key: 2, 2+4, 2+4+6, each in order.
    expect(out.filter((x) => [1, 4, 9].includes(x))).toEqual([1, 4, 9]);
    expect(out.filter((x) => [2, 6, 12].includes(x))).toEqual([2, 6, 12]);
    expect([...out].sort((a, b) => a - b)).toEqual([1, 2, 4, 6, 9, 12]);
  });

  it('does not mutate the input records', async () => {
    const input = trades.map((t) => ({ ...t }));
    const snapshot = structuredClone(input);
    await rolling(
      input,
      (t) => t.sym,
      (k) => k.sum('qty'),
    );
    expect(input).toEqual(snapshot);
  });

  it('a non-number field fails the job with a clear error naming the field and the value', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(1);
    const bad = env
      .fromElements<{ k: string; v: unknown }>({ k: 'a', v: 1 }, { k: 'a', v: 'two' })
      .keyBy((r) => r.k)
      .sum('v')
      .name('summer');
    const error: unknown = await bad.executeAndCollect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("'summer'");
    expect(message).toContain('sum("v") needs a number, got "two"');
  });
});

describe('fieldAggregator (the reduce functions themselves)', () => {
  const reduceOf = (...args: Parameters<typeof fieldAggregator>): ((a: unknown, b: unknown) => unknown) =>
    resolveMethod(fieldAggregator(...args) as (a: unknown, b: unknown) => unknown, 'reduce', 'reduce');

  it('sum/min/max return copies with only the field changed', () => {
    const first = { k: 'a', v: 2, other: 'first' };
    const second = { k: 'a', v: 5, other: 'second' };
    expect(reduceOf('sum', 'v', true)(first, second)).toEqual({ k: 'a', v: 7, other: 'first' });
    expect(reduceOf('max', 'v', true)(first, second)).toEqual({ k: 'a', v: 5, other: 'first' });
    expect(reduceOf('min', 'v', true)(second, first)).toEqual({ k: 'a', v: 2, other: 'second' });
    expect(first).toEqual({ k: 'a', v: 2, other: 'first' });
    expect(second).toEqual({ k: 'a', v: 5, other: 'second' });
  });

  it('minBy/maxBy return one of the two records, by identity', () => {
    const a = { v: 1 };
    const b = { v: 1 };
    const c = { v: 0 };
    expect(reduceOf('minBy', 'v', true)(a, b)).toBe(a);
    expect(reduceOf('minBy', 'v', false)(a, b)).toBe(b);
    expect(reduceOf('maxBy', 'v', true)(a, b)).toBe(a);
    expect(reduceOf('maxBy', 'v', false)(a, b)).toBe(b);
    expect(reduceOf('minBy', 'v', true)(a, c)).toBe(c);
    expect(reduceOf('maxBy', 'v', true)(c, a)).toBe(a);
  });

  it('a missing or non-number field is a UserError NOT_A_NUMBER', () => {
    for (const [acc, value] of [
      [{ v: 1 }, { v: '2' }],
      [{ v: 1 }, {}],
      [{ v: null }, { v: 1 }],
      [null, { v: 1 }],
    ] as const) {
      let thrown: unknown;
      try {
        reduceOf('sum', 'v', true)(acc, value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UserError);
      expect((thrown as UserError).code).toBe('NOT_A_NUMBER');
      expect((thrown as UserError).message).toContain('sum("v") needs a number');
    }
    expect(() => reduceOf('max', 1, true)(['a', 1], ['a', 'x'])).toThrow('max(1) needs a number, got "x"');
    expect(() => reduceOf('minBy', undefined, true)(1, 'x')).toThrow('minBy() needs a number, got "x"');
  });
});
