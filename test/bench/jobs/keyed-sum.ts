/**
 * Benchmark job: datagen → keyBy → sum → discarding sink, with the source and the keyed sum in
 * different slot-sharing groups so the records cross a real channel between two slot workers.
 */
import { StreamExecutionEnvironment, WatermarkStrategy, type Sink } from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import { benchGenerator, type BenchEvent } from './bench-functions.js';

const discard: Sink<unknown> = { createWriter: () => ({ write() {}, flush() {}, close() {} }) };

export default async function main(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 5_000_000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env
    .fromSource(
      new DataGeneratorSource<BenchEvent>(benchGenerator, count),
      WatermarkStrategy.noWatermarks(),
      'datagen',
    )
    .keyBy((e) => e.key)
    .sum('value')
    .slotSharingGroup('aggregation')
    .sinkTo(discard)
    .slotSharingGroup('aggregation');
  await env.execute('bench-keyed-sum');
}
