/**
 * Helpers of the KafkaSink tests against a real broker: reading a topic completely with a
 * `read_committed` or `read_uncommitted` consumer. "Completely" is made exact with end markers: a
 * committed transaction writes `END_MARKER` to every partition after the job; a consumer that has
 * seen the marker of every partition has read everything before it (for read_committed: every
 * transaction committed before, and nothing is held up by an open one).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_VERSION, ensureKafkaLibs } from '../support/kafka-libs.js';

export const END_MARKER = '__end__';

export function testKafka(bootstrapServers: string, clientId = 'freshet-kafka-sink-test'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
}

/** Commits one END_MARKER record to each of the topic's `partitions`, in one transaction. */
export async function writeEndMarkers(
  bootstrapServers: string,
  topic: string,
  partitions: number,
): Promise<void> {
  const producer = testKafka(bootstrapServers).producer({
    transactionalId: `end-markers-${randomBytes(6).toString('hex')}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const transaction = await producer.transaction();
    await transaction.send({
      topic,
      messages: Array.from({ length: partitions }, (_, partition) => ({ partition, value: END_MARKER })),
    });
    await transaction.commit();
  } finally {
    await producer.disconnect();
  }
}

export interface ReadRecord {
  readonly partition: number;
  readonly key: string | null;
  readonly value: string;
  readonly timestamp: string;
}

/**
 * Reads `topic` from the beginning until the END_MARKER of each of its `partitions` arrived, with
 * Kafka's Java consumer (sink-topic-reader.java), and returns the records before the markers.
 *
 * Not with kafkajs: its consumer's read_committed filter walks the fetch's aborted-transaction list
 * as if sorted by first offset, which the broker does not promise, so with transactions of several
 * producers interleaved in a partition it lets aborted records through (seen here as duplicates
 * after recoveries). The Java client is the reference implementation of the isolation levels.
 */
export async function readUntilEndMarkers(
  bootstrapServers: string,
  topic: string,
  partitions: number,
  isolation: 'read_committed' | 'read_uncommitted',
  timeoutMs = 60_000,
): Promise<ReadRecord[]> {
  const { libs } = await ensureKafkaLibs(DEFAULT_KAFKA_VERSION);
  const classes = await compiledReader(libs);
  const args = [bootstrapServers, topic, String(partitions), isolation, END_MARKER, String(timeoutMs)];
  const result = await execFileAsync(
    javaCommand('java'),
    classes === undefined
      ? ['-cp', join(libs, '*'), READER, ...args]
      : ['-cp', `${join(libs, '*')}${delimiter}${classes}`, 'SinkTopicReader', ...args],
    { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs + 30_000 },
  );
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [partition, timestamp, key, value] = line.split('\t') as [string, string, string, string];
      return {
        partition: Number(partition),
        timestamp,
        key: key === '-' ? null : Buffer.from(key, 'base64').toString('utf8'),
        value: Buffer.from(value, 'base64').toString('utf8'),
      };
    });
}

function javaCommand(tool: 'java' | 'javac'): string {
  const home = process.env['JAVA_HOME'];
  return home !== undefined && home !== '' && existsSync(join(home, 'bin', tool))
    ? join(home, 'bin', tool)
    : tool;
}

let compiled: Promise<string | undefined> | undefined;

/**
 * The reader compiled once per test process into a temp dir (source-file mode compiles on every
 * run, seconds each); undefined when there is no javac (a JRE), then source-file mode is used.
 */
function compiledReader(libs: string): Promise<string | undefined> {
  compiled ??= (async () => {
    const directory = await mkdtemp(join(tmpdir(), 'freshet-sink-topic-reader-'));
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    try {
      await execFileAsync(javaCommand('javac'), ['-nowarn', '-cp', join(libs, '*'), '-d', directory, READER]);
      return directory;
    } catch {
      return undefined; // no javac: fall back to source-file mode
    }
  })();
  return compiled;
}

const READER = fileURLToPath(new URL('./sink-topic-reader.java', import.meta.url));
const execFileAsync = promisify(execFile);

/** How often each value occurs. */
export function countValues(records: readonly ReadRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { value } of records) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** A unique topic name for one test. */
export function uniqueTopic(name: string): string {
  return `${name}-${randomBytes(4).toString('hex')}`;
}
