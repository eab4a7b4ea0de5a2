/**
 * `npm run bench -- kafka [--records N] [--latency-seconds S]`: Kafka → Freshet → Kafka against
 * the raw client, in one run on one real broker (test/support/kafka-broker.ts, KRaft, local java).
 * N (default 500 000) ~100-byte records are produced to a 4-partition input topic first; then
 * (a) kafkajs alone consumes it and produces every record to an output topic, (b) the Freshet
 * pass-through job (KafkaSource → KafkaSink AT_LEAST_ONCE, parallelism 2, embedded local cluster)
 * does the same; events/s and events per CPU core-second (process CPU, every thread) of both and
 * their per-core ratio; (c) end-to-end latency p50/p99 through the unbounded job with a
 * rate-limited producer at half the measured Freshet throughput.
 */
import { Kafka, logLevel } from 'kafkajs';
import { kafkaAvailable, startKafkaBroker } from '../support/kafka-broker.js';
import { figure } from './bench-runner.js';
import {
  freshetPassThrough,
  loadPassThroughJob,
  startUnboundedPassThrough,
} from './kafka/freshet-pass-through.js';
import { benchRecordValue } from './kafka/kafka-bench-records.js';
import { measureLatency } from './kafka/latency-run.js';
import { rawPassThrough } from './kafka/raw-pass-through.js';

const PARTITIONS = 4;
const PRODUCE_CHUNK = 5000;
const PRODUCE_IN_FLIGHT = 4;

interface KafkaBenchArgs {
  readonly records: number;
  readonly latencySeconds: number;
}

function parseArgs(args: readonly string[]): KafkaBenchArgs {
  let records = 500_000;
  let latencySeconds = 10;
  for (let i = 0; i < args.length; i++) {
    const value = Number(args[i + 1]);
    if (args[i] === '--records' && Number.isInteger(value) && value > 0) records = value;
    else if (args[i] === '--latency-seconds' && value > 0) latencySeconds = value;
    else
      throw new Error(
        `kafka bench: unknown or invalid argument '${args[i]}' (--records N, --latency-seconds S)`,
      );
    i++;
  }
  return { records, latencySeconds };
}

async function produceInput(bootstrapServers: string, topic: string, records: number): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench-input',
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < records) {
        const from = next;
        next = Math.min(records, next + PRODUCE_CHUNK);
        const messages = [];
        for (let i = from; i < next; i++)
          messages.push({ partition: i % PARTITIONS, value: benchRecordValue(i) });
        await producer.send({ topic, messages });
      }
    };
    await Promise.all(Array.from({ length: PRODUCE_IN_FLIGHT }, worker));
  } finally {
    await producer.disconnect();
  }
}

export async function run(rawArgs: readonly string[] = []): Promise<void> {
  const args = parseArgs(rawArgs);
  const availability = kafkaAvailable();
  if (!availability.ok) {
    console.log(`kafka: skipped (${availability.reason})`);
    return;
  }
  const broker = await startKafkaBroker();
  try {
    const servers = broker.bootstrapServers;
    for (const topic of ['input', 'raw-out', 'freshet-out', 'latency-in', 'latency-out']) {
      await broker.createTopic(topic, PARTITIONS);
    }
    await produceInput(servers, 'input', args.records);
    console.log(`kafka.input: ${args.records} records of 100 bytes in ${PARTITIONS} partitions`);

    const raw = await rawPassThrough(servers, 'input', 'raw-out', args.records);
    const rawRate = raw.records / raw.wallSeconds;
    const rawPerCore = raw.records / raw.cpuSeconds;
    figure('kafka.raw', rawRate, 'events/s');
    figure('kafka.raw.per_core', rawPerCore, 'events/core-s');

    const program = await loadPassThroughJob();
    const freshet = await freshetPassThrough(program, servers, 'input', 'freshet-out', args.records);
    const freshetRate = freshet.records / freshet.wallSeconds;
    const freshetPerCore = freshet.records / freshet.cpuSeconds;
    figure('kafka.freshet', freshetRate, 'events/s');
    figure('kafka.freshet.per_core', freshetPerCore, 'events/core-s');
    figure('kafka.ratio', freshetPerCore / rawPerCore, '(per core, freshet / raw)');
    figure('kafka.ratio.throughput', freshetRate / rawRate, '(events/s, freshet / raw)');

    const perSecond = Math.max(1, Math.round(freshetRate / 2));
    const job = await startUnboundedPassThrough(program, servers, 'latency-in', 'latency-out');
    try {
      const latency = await measureLatency({
        bootstrapServers: servers,
        input: 'latency-in',
        output: 'latency-out',
        perSecond,
        warmupMs: 3000,
        measureMs: args.latencySeconds * 1000,
        drainTimeoutMs: 30_000,
      });
      figure('kafka.latency.rate', latency.achievedPerSecond, `events/s (target ${perSecond})`);
      figure('kafka.latency.p50', latency.p50, 'ms');
      figure('kafka.latency.p99', latency.p99, 'ms');
      figure('kafka.latency.max', latency.max, 'ms');
      if (latency.received < latency.sent) {
        console.error(`kafka.latency: only ${latency.received} of ${latency.sent} records arrived`);
        process.exitCode = 1;
      }
    } finally {
      await job.cancel();
    }
  } finally {
    await broker.stop();
  }
}
