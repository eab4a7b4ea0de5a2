/**
 * Network benchmark job: datagen (bounded, full speed) → keyBy(key) → counting sink, with source
 * and sink in different slot-sharing groups so that, on a cluster of TaskManagers with one slot
 * each, the records cross TCP between two processes.
 * Args: <count> <resultPrefix> (writes <prefix>.source.json and <prefix>.sink.json).
 */
import { StreamExecutionEnvironment, WatermarkStrategy } from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import { networkRecord, type NetworkRecord } from './network-records.js';
import { announcingPid, countingSink } from './network-sinks.js';

export default async function main(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 3_000_000);
  const prefix = args[1] ?? 'network-throughput';
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env
    .fromSource(
      new DataGeneratorSource<NetworkRecord>(announcingPid(`${prefix}.source.json`, networkRecord), count),
      WatermarkStrategy.noWatermarks(),
      'datagen',
    )
    .slotSharingGroup('source')
    .keyBy((record) => record.key)
    .sinkTo(countingSink(`${prefix}.sink.json`))
    .name('counting-sink')
    .slotSharingGroup('sink');
  await env.execute('bench-network-throughput');
}
