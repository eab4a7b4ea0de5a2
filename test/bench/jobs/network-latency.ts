/**
 * Network benchmark job: datagen at a fixed rate, each record stamped with the wall clock when
 * generated → keyBy(key) → a sink in another TaskManager process that records per-record latency.
 * The source stops after `durationMs` worth of records; the sink measures after `warmupMs` and
 * writes its result after `durationMs - warmupMs` of measuring at the latest (if the job cannot
 * keep up, the bench then cancels it).
 * Args: <recordsPerSecond> <durationMs> <bufferTimeoutMs> <warmupMs> <resultPrefix>
 * (writes <prefix>.source.json and <prefix>.sink.json).
 */
import { StreamExecutionEnvironment, WatermarkStrategy } from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { networkRecord, type NetworkRecord } from './network-records.js';
import { announcingPid, latencySink } from './network-sinks.js';

export default async function main(args: string[]): Promise<void> {
  const rate = Number(args[0] ?? 100_000);
  const durationMs = Number(args[1] ?? 10_000);
  const bufferTimeoutMs = Number(args[2] ?? 100);
  const warmupMs = Number(args[3] ?? 2_000);
  const prefix = args[4] ?? 'network-latency';
  const count = Math.round((rate * durationMs) / 1000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  env.setBufferTimeout(bufferTimeoutMs);
  env
    .fromSource(
      new DataGeneratorSource<NetworkRecord>(
        announcingPid(`${prefix}.source.json`, networkRecord),
        count,
        RateLimiterStrategy.perSecond(rate),
      ),
      WatermarkStrategy.noWatermarks(),
      'datagen',
    )
    .slotSharingGroup('source')
    .keyBy((record) => record.key)
    .sinkTo(latencySink(`${prefix}.sink.json`, warmupMs, durationMs - warmupMs))
    .name('latency-sink')
    .slotSharingGroup('sink');
  await env.execute(`bench-network-latency-${bufferTimeoutMs}ms`);
}
