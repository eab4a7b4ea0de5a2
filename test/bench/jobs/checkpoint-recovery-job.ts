/**
 * Checkpoint benchmark job (recovery): datagen (unbounded, <recordsPerSecond>, 10 k keys) → keyBy
 * → a running count per key in value state → a sink that notes each writer's first record in
 * <markerDir> (see firstRecordSink), so that the first record processed after a restore shows.
 * Checkpoints every <intervalMs>; the storage and restart strategy come from the cluster.
 * Args: <recordsPerSecond> <intervalMs> <markerDir>.
 */
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OpenContext,
  type ValueState,
} from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { firstRecordSink } from './checkpoint-probes.js';

const KEYS = 10_000;

class RunningCount extends KeyedProcessFunction<number, number, [number, number]> {
  private count: ValueState<number> | undefined;

  override open(_context: OpenContext): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }

  processElement(key: number, _ctx: KeyedProcessContext<number>, out: Collector<[number, number]>): void {
    const count = (this.count!.value() ?? 0) + 1;
    this.count!.update(count);
    out.collect([key, count]);
  }
}

export default async function main(args: string[]): Promise<void> {
  const rate = Number(args[0] ?? 10_000);
  const intervalMs = Number(args[1] ?? 1000);
  const markerDir = args[2] ?? '.';
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env.enableCheckpointing(intervalMs);
  env
    .fromSource(
      new DataGeneratorSource<number>(
        (i) => i % KEYS,
        Number.POSITIVE_INFINITY,
        RateLimiterStrategy.perSecond(rate),
      ),
      WatermarkStrategy.noWatermarks(),
      'keys',
    )
    .keyBy((key) => key)
    .process(new RunningCount())
    .name('running-count')
    .sinkTo(firstRecordSink(markerDir));
  await env.execute('bench-checkpoints-recovery');
}
