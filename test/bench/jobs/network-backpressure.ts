/**
 * Network benchmark job: an unbounded datagen at full speed → keyBy(key) → a sink in another
 * TaskManager process that takes only `sinkRecordsPerSecond` records per second. Backpressure has
 * to reach the source, so the source TaskManager's memory must stay flat. Runs until cancelled.
 * Args: <sinkRecordsPerSecond> <resultPrefix> (writes <prefix>.source.json and <prefix>.sink.json).
 */
import { StreamExecutionEnvironment, WatermarkStrategy } from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import { networkRecord, type NetworkRecord } from './network-records.js';
import { announcingPid, throttledSink } from './network-sinks.js';

export default async function main(args: string[]): Promise<void> {
  const sinkRate = Number(args[0] ?? 10_000);
  const prefix = args[1] ?? 'network-backpressure';
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env
    .fromSource(
      new DataGeneratorSource<NetworkRecord>(
        announcingPid(`${prefix}.source.json`, networkRecord),
        Number.POSITIVE_INFINITY,
      ),
      WatermarkStrategy.noWatermarks(),
      'datagen',
    )
    .slotSharingGroup('source')
    .keyBy((record) => record.key)
    .sinkTo(throttledSink(sinkRate, `${prefix}.sink.json`))
    .name('throttled-sink')
    .slotSharingGroup('sink');
  await env.execute('bench-network-backpressure');
}
