/**
 * Checkpoint benchmark job (throughput): datagen (timestamps, 10% out of order, 10 k keys) → keyBy
 * → tumbling 10 s event-time windows with a sum aggregate → discarding sink, the workload of the
 * windows benchmark, with checkpoints every <intervalMs> (0: off) into <checkpointDir>.
 * Args: <count> <intervalMs> <checkpointDir> <resultPrefix> [parallelism, default 1]. Writes <prefix>.start.json when the
 * source generates its first record and <prefix>.end.json when the sink's input ends (before the
 * job waits for its final checkpoint), each as `{ at }` in wall-clock ms.
 */
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import { announcingIndex, endNotingSink } from './checkpoint-probes.js';
import { OUT_OF_ORDERNESS, sumAggregate, windowEvent, type WindowEvent } from './window-events.js';

export default async function main(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 1_000_000);
  const intervalMs = Number(args[1] ?? 0);
  const checkpointDir = args[2] ?? '';
  const prefix = args[3] ?? 'checkpoint-window';
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(Number(args[4] ?? 1));
  if (intervalMs > 0) {
    env.enableCheckpointing(intervalMs);
    env.configure({ 'state.checkpoints.dir': `file://${checkpointDir}` });
  }
  env
    .fromSource(
      new DataGeneratorSource<WindowEvent>(announcingIndex(`${prefix}.start.json`, 0, windowEvent), count),
      WatermarkStrategy.forBoundedOutOfOrderness<WindowEvent>(OUT_OF_ORDERNESS).withTimestampAssigner(
        (e) => e.ts,
      ),
      'events',
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate(sumAggregate)
    .sinkTo(endNotingSink(`${prefix}.end.json`));
  await env.execute(`bench-checkpoints-windows-${intervalMs > 0 ? `${intervalMs}ms` : 'off'}`);
}
