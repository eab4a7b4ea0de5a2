/**
 * Benchmark job of the state benchmark (savepoint and restore): datagen (unbounded, rate-unlimited;
 * record i has key i mod <keys>) → keyBy → a KeyedProcessFunction keeping, per key, a ~1000-byte
 * string in value state → discard, at parallelism 1 on the RocksDB backend with checkpointing off
 * (savepoints only). After the first <keys> records every key has state (~<keys> kB in all), and
 * the state stays that size.
 *
 *   args: <keys> <resultPrefix>
 *
 * Writes <prefix>.filled.json (`{ at }`) when the source generates record <keys> (every key is
 * behind it, so an aligned savepoint taken after it holds every key), and <prefix>.first.json
 * (FirstRead) when the function processes its first record, having read that key's state (a read
 * waits for the restore's queued writes, so after a restore this is when the state is back).
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
import { DataGeneratorSource } from 'freshet/connectors';
import { announcingIndex, type Moment } from './checkpoint-probes.js';
import { wallClockMillis } from './network-records.js';
import { writeJson } from './network-sinks.js';

/** Characters per value (ASCII, so as many bytes once encoded). */
export const VALUE_BYTES = 1000;

const discard: Sink<unknown> = { createWriter: () => ({ write() {}, flush() {}, close() {} }) };

/** Twice VALUE_BYTES of varied printable characters; a value is a window of it, so values differ. */
const PAYLOAD = Array.from({ length: 2 * VALUE_BYTES }, (_, i) =>
  String.fromCharCode(33 + ((i * 7919) % 94)),
).join('');

/** What <prefix>.first.json holds: when the first record was processed, and whether its key had state. */
export interface FirstRead extends Moment {
  readonly hadState: boolean;
}

interface KeyedPayload {
  key: number;
  value: string;
}

class LatestPayload extends KeyedProcessFunction<number, KeyedPayload, never> {
  private latest: ValueState<string> | undefined;
  private noted = false;

  constructor(private readonly firstFile: string) {
    super();
  }

  override open(_context: OpenContext): void {
    this.latest = this.getRuntimeContext().getState(new ValueStateDescriptor<string>('payload'));
  }

  processElement(event: KeyedPayload): void {
    const previous = this.latest!.value();
    if (!this.noted) {
      this.noted = true;
      writeJson(this.firstFile, {
        at: wallClockMillis(),
        hadState: previous !== undefined,
      } satisfies FirstRead);
    }
    if (previous !== event.value) this.latest!.update(event.value);
  }
}

export default async function main(args: string[]): Promise<void> {
  const keys = Number(args[0] ?? 200_000);
  const prefix = args[1] ?? 'state-fill';
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env.setStateBackend('rocksdb');
  const generator = (i: number): KeyedPayload => {
    const key = i % keys;
    const offset = key % VALUE_BYTES;
    return { key, value: PAYLOAD.slice(offset, offset + VALUE_BYTES) };
  };
  env
    .fromSource(
      new DataGeneratorSource<KeyedPayload>(
        announcingIndex(`${prefix}.filled.json`, keys, generator),
        Number.POSITIVE_INFINITY,
      ),
      WatermarkStrategy.noWatermarks(),
      'keys',
    )
    .uid('keys')
    .keyBy((e) => e.key)
    .process(new LatestPayload(`${prefix}.first.json`))
    .uid('latest-payload')
    .name('latest-payload')
    .sinkTo(discard)
    .uid('discard');
  await env.execute(`bench-state-fill-${keys}`);
}
