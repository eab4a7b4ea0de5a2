/** Benchmark job: datagen → map → filter → discarding sink, all chained in one task. */
import { StreamExecutionEnvironment, WatermarkStrategy, type Sink } from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import { benchFilter, benchGenerator, benchMap, type BenchEvent } from './bench-functions.js';

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
    .map(benchMap)
    .filter(benchFilter)
    .sinkTo(discard);
  await env.execute('bench-chained');
}
