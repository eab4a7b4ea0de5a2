import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';

describe('smoke', () => {
  it('runs keyBy/sum in-process', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    const out = await env
      .fromElements('a b', 'b c', 'a a')
      .flatMap<{ word: string; count: number }>((line: string, out) =>
        line.split(' ').forEach((w) => out.collect({ word: w, count: 1 })),
      )
      .keyBy((e) => e.word)
      .sum('count')
      .executeAndCollect();
    const finals = new Map<string, number>();
    for (const r of out) finals.set(r.word, Math.max(finals.get(r.word) ?? 0, r.count));
    expect(Object.fromEntries(finals)).toEqual({ a: 3, b: 2, c: 1 });
  });
});
