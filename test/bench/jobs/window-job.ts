/**
 * Benchmark job: datagen (timestamps, 10% out of order) → keyBy → windows → aggregate → discard.
 * Args: <kind: tumbling|sliding|session> <count>.
 */
import {
  EventTimeSessionWindows,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Sink,
  type TimeWindow,
  type WindowAssigner,
} from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import { OUT_OF_ORDERNESS, sumAggregate, windowEvent, type WindowEvent } from './window-events.js';

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

export default async function main(args: string[]): Promise<void> {
  const kind = args[0] ?? 'tumbling';
  const count = Number(args[1] ?? 1_000_000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env
    .fromSource(
      new DataGeneratorSource<WindowEvent>(windowEvent, count),
      WatermarkStrategy.forBoundedOutOfOrderness<WindowEvent>(OUT_OF_ORDERNESS).withTimestampAssigner(
        (e) => e.ts,
      ),
      'events',
    )
    .keyBy((e) => e.key)
    .window(assignerFor(kind))
    .aggregate(sumAggregate)
    .sinkTo(discard);
  await env.execute(`bench-windows-${kind}`);
}
