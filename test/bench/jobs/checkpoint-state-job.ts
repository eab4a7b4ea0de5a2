/**
 * Checkpoint benchmark job (state size): datagen (unbounded, rate-limited; record i has key
 * i mod <keys>) → keyBy → a KeyedProcessFunction keeping the latest value per key in value state
 * → discarding sink, checkpointing every <intervalMs> into <checkpointDir>. After the first
 * <keys> records every key has state, and the state stays that size.
 * Args: <keys> <recordsPerSecond> <intervalMs> <checkpointDir> <resultPrefix>. Writes
 * <prefix>.filled.json (`{ at }`) when the source generates record <keys> (all keys are behind it).
 */
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type OpenContext,
  type Sink,
  type ValueState,
} from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { announcingIndex } from './checkpoint-probes.js';

const discard: Sink<unknown> = { createWriter: () => ({ write() {}, flush() {}, close() {} }) };

interface KeyedValue {
  key: number;
  value: number;
}

class LatestValue extends KeyedProcessFunction<number, KeyedValue, never> {
  private latest: ValueState<number> | undefined;

  override open(_context: OpenContext): void {
    this.latest = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('latest'));
  }

  processElement(event: KeyedValue): void {
    this.latest!.update(event.value);
  }
}

export default async function main(args: string[]): Promise<void> {
  const keys = Number(args[0] ?? 100_000);
  const rate = Number(args[1] ?? 100_000);
  const intervalMs = Number(args[2] ?? 1000);
  const checkpointDir = args[3] ?? '';
  const prefix = args[4] ?? 'checkpoint-state';
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env.enableCheckpointing(intervalMs);
  env.configure({ 'state.checkpoints.dir': `file://${checkpointDir}` });
  const generator = (i: number): KeyedValue => ({ key: i % keys, value: i & 0xffff });
  env
    .fromSource(
      new DataGeneratorSource<KeyedValue>(
        announcingIndex(`${prefix}.filled.json`, keys, generator),
        Number.POSITIVE_INFINITY,
        RateLimiterStrategy.perSecond(rate),
      ),
      WatermarkStrategy.noWatermarks(),
      'keys',
    )
    .keyBy((e) => e.key)
    .process(new LatestValue())
    .name('latest-value')
    .sinkTo(discard);
  await env.execute(`bench-checkpoints-state-${keys}`);
}
