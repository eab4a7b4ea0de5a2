/**
 * Benchmark job of the state benchmark: datagen → keyBy → tumbling 100 s event-time windows
 * (10 events per ms of event time, so ~1 M events per window) → sum aggregate → discard, at
 * parallelism 1 on the chosen state backend. Keys are spread over a key space of `keys` distinct
 * keys (a multiplicative hash of the index), so with 10 M keys nearly every event opens a new
 * (key, window) entry and state is far beyond the RocksDB backend's cache.
 *
 *   args: <backend: hashmap|rocksdb> <keys> <count>
 */
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type Sink } from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';

interface Event {
  key: number;
  ts: number;
  value: number;
}

const discard: Sink<unknown> = { createWriter: () => ({ write() {}, flush() {}, close() {} }) };

export default async function main(args: string[]): Promise<void> {
  const backend = args[0] === 'rocksdb' ? 'rocksdb' : 'hashmap';
  const keys = Number(args[1] ?? 100_000);
  const count = Number(args[2] ?? 1_000_000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env.setStateBackend(backend);
  env
    .fromSource(
      new DataGeneratorSource<Event>(
        (i) => ({
          key: Number((BigInt(i) * 2654435761n) % BigInt(keys)),
          ts: Math.floor(i / 10),
          value: i & 0xff,
        }),
        count,
      ),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
      'events',
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(100_000))
    .aggregate({
      createAccumulator: (): number => 0,
      add: (e: Event, acc: number): number => acc + e.value,
      getResult: (acc: number): number => acc,
      merge: (a: number, b: number): number => a + b,
    })
    .sinkTo(discard);
  await env.execute(`state-window-${backend}-${keys}`);
}
