/**
 * End-to-end latency of the running pass-through job: a rate-limited kafkajs producer writes
 * records carrying their send time into the job's input topic, a kafkajs consumer of its output
 * topic (same process, same clock) takes receive time minus send time. Records sent during the
 * warm-up are not counted.
 */
import { Kafka, logLevel } from 'kafkajs';
import { wallClockMillis } from '../jobs/network-records.js';
import { latencyRecordValue, recordsDue, sentAtOf } from './kafka-bench-records.js';
import { summarizeLatencies, type LatencySummary } from './latency-percentiles.js';

const MAX_REQUEST_RECORDS = 1000;

export interface LatencyRunOptions {
  readonly bootstrapServers: string;
  readonly input: string;
  readonly output: string;
  readonly perSecond: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** How long to wait for the last records after producing stopped. */
  readonly drainTimeoutMs: number;
}

export interface LatencyRunResult extends LatencySummary {
  readonly sent: number;
  readonly received: number;
  /** The rate the producer achieved over the whole run, records/s. */
  readonly achievedPerSecond: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureLatency(options: LatencyRunOptions): Promise<LatencyRunResult> {
  const kafka = new Kafka({
    clientId: 'bench-latency',
    brokers: [options.bootstrapServers],
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `bench-latency-reader-${Date.now()}`, maxWaitTimeInMs: 20 });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  const latencies: number[] = [];
  let received = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  try {
    await consumer.subscribe({ topics: [options.output], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = wallClockMillis();
        for (const message of batch.messages) {
          const sentAt = sentAtOf(message.value?.toString('utf8') ?? '');
          if (sentAt === undefined) continue;
          received++;
          if (sentAt >= measureFrom) latencies.push(now - sentAt);
        }
        return Promise.resolve();
      },
    });

    const startedAt = wallClockMillis();
    measureFrom = startedAt + options.warmupMs;
    const endAt = measureFrom + options.measureMs;
    let sent = 0;
    for (let now = startedAt; now < endAt; now = wallClockMillis()) {
      const due = recordsDue(options.perSecond, startedAt, now, sent);
      if (due === 0) {
        await pause(1);
        continue;
      }
      const requests = [];
      for (let from = 0; from < due; from += MAX_REQUEST_RECORDS) {
        const count = Math.min(MAX_REQUEST_RECORDS, due - from);
        const sentAt = wallClockMillis();
        const messages = Array.from({ length: count }, () => ({ value: latencyRecordValue(sentAt) }));
        requests.push(producer.send({ topic: options.input, messages }));
      }
      await Promise.all(requests);
      sent += due;
    }
    const achievedPerSecond = (sent * 1000) / (wallClockMillis() - startedAt);
    const drainDeadline = Date.now() + options.drainTimeoutMs;
    while (received < sent && Date.now() < drainDeadline) await pause(20); // a deadline-bounded wait
    return { ...summarizeLatencies(latencies), sent, received, achievedPerSecond };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}
