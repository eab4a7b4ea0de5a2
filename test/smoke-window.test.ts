import { describe, expect, it } from 'vitest';
import {
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  EventTimeSessionWindows,
  OutputTag,
  ProcessWindowFunction,
  Watermark,
  type ProcessWindowContext,
  type TimeWindow,
  type Collector,
} from 'freshet';

interface Ev {
  user: string;
  ts: number;
  v: number;
}

describe('windows smoke', () => {
  it('tumbling sum per key', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    const events: Ev[] = [
      { user: 'a', ts: 1000, v: 1 },
      { user: 'b', ts: 1500, v: 2 },
      { user: 'a', ts: 4000, v: 3 },
      { user: 'a', ts: 6000, v: 4 },
      { user: 'b', ts: 9999, v: 5 },
      { user: 'a', ts: 2000, v: 10 },
    ];
    const out = await env
      .fromElements(...events)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forBoundedOutOfOrderness<Ev>(5000).withTimestampAssigner((e) => e.ts),
      )
      .keyBy((e) => e.user)
      .window(TumblingEventTimeWindows.of(5000))
      .reduce((a, b) => ({ ...a, v: a.v + b.v }))
      .executeAndCollect();
    expect(out.map((e) => `${e.user}:${e.v}`).sort()).toEqual(['a:14', 'a:4', 'b:2', 'b:5']);
  });

  it('sessions with late side output', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const late = new OutputTag<Ev>('late');
    const events: Ev[] = [
      { user: 'a', ts: 1000, v: 1 },
      { user: 'a', ts: 2000, v: 1 },
      { user: 'a', ts: 10000, v: 1 },
      { user: 'a', ts: 100, v: 1 },
    ];
    class Describe extends ProcessWindowFunction<Ev, string, string, TimeWindow> {
      process(
        key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        elements: Ev[],
        out: Collector<string>,
      ): void {
        out.collect(`${key}[${ctx.window.start},${ctx.window.end})=${elements.length}`);
      }
    }
    const result = env
      .fromElements(...events)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forGenerator<Ev>(() => ({
          onEvent: (_e, ts, output) => output.emitWatermark(new Watermark(ts - 1)),
          onPeriodicEmit: () => {},
        })).withTimestampAssigner((e) => e.ts),
      )
      .keyBy((e) => e.user)
      .window(EventTimeSessionWindows.withGap(3000))
      .sideOutputLateData(late)
      .process(new Describe());
    const out = await result.union(result.getSideOutput(late).map((e) => `late:${e.ts}`)).executeAndCollect();
    expect(out.sort()).toEqual(['a[1000,5000)=2', 'a[10000,13000)=1', 'late:100']);
  });
});
