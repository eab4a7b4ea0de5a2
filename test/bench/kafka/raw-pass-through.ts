/**
 * The Kafka benchmark's baseline: the raw kafkajs client doing the pass-through job without
 * Freshet — a consumer reads the input topic batch by batch and each fetched batch is produced to
 * the output topic in requests of at most 1000 records (the KafkaSink writer's batching), awaited
 * before the next fetch. Timed from the first fetched batch to the last acknowledged request, with
 * the process CPU time over the whole run.
 */
import { Kafka, logLevel } from 'kafkajs';

const MAX_BATCH_RECORDS = 1000;

export interface PassThroughTiming {
  readonly records: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

export async function rawPassThrough(
  bootstrapServers: string,
  input: string,
  output: string,
  records: number,
  timeoutMs = 300_000,
): Promise<PassThroughTiming> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    await consumer.subscribe({ topics: [input], fromBeginning: true });
    let passed = 0;
    let firstAt: number | undefined;
    let done!: (end: number) => void;
    let failed!: (error: unknown) => void;
    const finished = new Promise<number>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    const cpuBefore = process.cpuUsage();
    await consumer.run({
      partitionsConsumedConcurrently: 2,
      eachBatch: async ({ batch }) => {
        firstAt ??= performance.now();
        const messages = batch.messages.map((m) => ({ value: m.value }));
        const requests = [];
        for (let from = 0; from < messages.length; from += MAX_BATCH_RECORDS) {
          requests.push(
            producer.send({ topic: output, messages: messages.slice(from, from + MAX_BATCH_RECORDS) }),
          );
        }
        await Promise.all(requests);
        passed += messages.length;
        if (passed >= records) done(performance.now());
      },
    });
    const timer = setTimeout(
      () => failed(new Error(`raw pass-through: only ${passed} of ${records} records`)),
      timeoutMs,
    );
    const end = await finished.finally(() => clearTimeout(timer));
    const cpu = process.cpuUsage(cpuBefore);
    return {
      records: passed,
      wallSeconds: (end - (firstAt ?? end)) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}
