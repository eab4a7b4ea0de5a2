import { describe, expect, it } from 'vitest';
import {
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  ProcessJoinFunction,
  KeyedCoProcessFunction,
  type Collector,
  type ProcessJoinContext,
  type KeyedCoProcessContext,
} from 'freshet';

interface E {
  k: string;
  ts: number;
}

const strategy = WatermarkStrategy.forMonotonousTimestamps<E>().withTimestampAssigner((e) => e.ts);

describe('joins smoke', () => {
  it('window join pairs elements per key and window', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    const a = env
      .fromElements<E>({ k: 'x', ts: 1 }, { k: 'x', ts: 2 }, { k: 'y', ts: 3 }, { k: 'x', ts: 12 })
      .assignTimestampsAndWatermarks(strategy);
    const b = env
      .fromElements<E>({ k: 'x', ts: 5 }, { k: 'y', ts: 15 }, { k: 'x', ts: 11 })
      .assignTimestampsAndWatermarks(strategy);
    const out = await a
      .join(b)
      .where((e) => e.k)
      .equalTo((e) => e.k)
      .window(TumblingEventTimeWindows.of(10))
      .apply((l: E, r: E) => `${l.k}:${l.ts}-${r.ts}`)
      .executeAndCollect();
    expect(out.sort()).toEqual(['x:1-5', 'x:12-11', 'x:2-5']);
  });

  it('interval join', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const a = env
      .fromElements<E>({ k: 'x', ts: 10 }, { k: 'x', ts: 20 })
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.k);
    const b = env
      .fromElements<E>({ k: 'x', ts: 8 }, { k: 'x', ts: 12 }, { k: 'x', ts: 30 })
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.k);
    class J extends ProcessJoinFunction<E, E, string> {
      processElement(l: E, r: E, ctx: ProcessJoinContext, out: Collector<string>): void {
        out.collect(`${l.ts}-${r.ts}@${ctx.getTimestamp()}`);
      }
    }
    const out = await a.intervalJoin(b).between(-2, 2).process(new J()).executeAndCollect();
    expect(out.sort()).toEqual(['10-12@12', '10-8@10']);
  });

  it('keyed co-process shares state per key', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    const a = env.fromElements('a', 'b', 'a');
    const b = env.fromElements(1, 2);
    class C extends KeyedCoProcessFunction<string, string, number, string> {
      processElement1(v: string, ctx: KeyedCoProcessContext<string>, out: Collector<string>): void {
        out.collect(`1:${v}:${ctx.getCurrentKey()}`);
      }
      processElement2(v: number, ctx: KeyedCoProcessContext<string>, out: Collector<string>): void {
        out.collect(`2:${v}:${ctx.getCurrentKey()}`);
      }
    }
    const out = await a
      .connect(b)
      .keyBy(
        (s) => s,
        (n) => (n === 1 ? 'a' : 'b'),
      )
      .process(new C())
      .executeAndCollect();
    expect(out.sort()).toEqual(['1:a:a', '1:a:a', '1:b:b', '2:1:a', '2:2:b']);
  });
});
