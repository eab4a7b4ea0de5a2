/**
 * Benchmark job: datagen (timestamps, 10% out of order) → keyBy → windows → aggregate → discard.
 * Args: <kind: tumbling|sliding|session> <count>.
 *
 * Watermarks follow the events as in the hand-written loops: every WATERMARK_EVERY events, the
 * bounded-out-of-orderness watermark of the events so far. Periodic watermarks (every 200 ms of
 * wall-clock time) would instead depend on the machine's speed: at a million events per second a
 * 200 ms interval is 20 s of this stream's event time, so windows would stay open two intervals
 * longer than in the loops, and how long would vary from run to run.
 */
import {
  EventTimeSessionWindows,
  Watermark,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Sink,
  type TimeWindow,
  type WatermarkGenerator,
  type WindowAssigner,
} from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import {
  OUT_OF_ORDERNESS,
  sumAggregate,
  WATERMARK_EVERY,
  windowEvent,
  type WindowEvent,
} from './window-events.js';

const discard: Sink<unknown> = { createWriter: () => ({ write() {}, flush() {}, close() {} }) };

export function assignerFor(kind: string): WindowAssigner<unknown, TimeWindow> {
  switch (kind) {
    case 'tumbling':
      return TumblingEventTimeWindows.of(10_000);
    case 'sliding':
      return SlidingEventTimeWindows.of(10_000, 2_000);
    default:
      return EventTimeSessionWindows.withGap(1_000);
  }
}

/** The loops' watermarks: every WATERMARK_EVERY events, max timestamp - out-of-orderness - 1. */
function everyNEvents(): WatermarkGenerator<WindowEvent> {
  let maxTimestamp = Number.MIN_SAFE_INTEGER;
  let seen = 0;
  return {
    onEvent(_event, timestamp, output) {
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      if (seen++ % WATERMARK_EVERY === 0)
        output.emitWatermark(new Watermark(maxTimestamp - OUT_OF_ORDERNESS - 1));
    },
    onPeriodicEmit() {},
  };
}

export default async function main(args: string[]): Promise<void> {
  const kind = args[0] ?? 'tumbling';
  const count = Number(args[1] ?? 1_000_000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env
    .fromSource(
      new DataGeneratorSource<WindowEvent>(windowEvent, count),
      WatermarkStrategy.forGenerator<WindowEvent>(() => everyNEvents()).withTimestampAssigner((e) => e.ts),
      'events',
    )
    .keyBy((e) => e.key)
    .window(assignerFor(kind))
    .aggregate(sumAggregate)
    .sinkTo(discard);
  await env.execute(`bench-windows-${kind}`);
}
