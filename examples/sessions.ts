/**
 * Sessions per user with late data to a side output (the README's event-time example).
 *
 *   npx freshet run examples/sessions.ts
 */
import {
  EventTimeSessionWindows,
  OutputTag,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  Watermark,
  WatermarkStrategy,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from 'freshet';

interface Click {
  user: string;
  ts: number;
}

const CLICKS: Click[] = [
  { user: 'ann', ts: 1_000 },
  { user: 'bob', ts: 1_200 },
  { user: 'ann', ts: 2_500 },
  { user: 'ann', ts: 9_000 },
  { user: 'bob', ts: 9_500 },
  { user: 'ann', ts: 1_500 }, // late: ann's first session closed when the watermark passed 4_499
];

class SessionSummary extends ProcessWindowFunction<Click, string, string, TimeWindow> {
  process(
    user: string,
    ctx: ProcessWindowContext<TimeWindow>,
    clicks: Click[],
    out: Collector<string>,
  ): void {
    out.collect(`${user}: ${clicks.length} clicks in [${ctx.window.start}, ${ctx.window.end})`);
  }
}

export default async function main(): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const late = new OutputTag<Click>('late-clicks');
  const sessions = env
    .fromElements(...CLICKS)
    .assignTimestampsAndWatermarks(
      // A watermark after every click (ts - 500) makes the example's lateness deterministic.
      WatermarkStrategy.forGenerator<Click>(() => ({
        onEvent: (_click, ts, output) => output.emitWatermark(new Watermark(ts - 500)),
        onPeriodicEmit: () => {},
      })).withTimestampAssigner((click) => click.ts),
    )
    .keyBy((click) => click.user)
    .window(EventTimeSessionWindows.withGap(2_000))
    .sideOutputLateData(late)
    .process(new SessionSummary());
  sessions.print();
  sessions.getSideOutput(late).print('late');
  await env.execute('sessions');
}
