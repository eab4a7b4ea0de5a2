/**
 * A real Apache Kafka broker for tests: one node in KRaft mode (broker and controller combined),
 * run with the machine's `java` from Apache Kafka's jars on Maven Central (fetched once, see
 * kafka-libs.ts). Each broker gets a temp dir (config, storage, logs) and free ports for its
 * PLAINTEXT and CONTROLLER listeners, and is configured for transactions on a single node.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { DEFAULT_KAFKA_VERSION, ensureKafkaLibs, kafkaLibsComplete } from './kafka-libs.js';
import type { ServerAvailability } from './server-availability.js';
import {
  findExecutable,
  findFreePorts,
  killServerProcess,
  readLogTail,
  runCommand,
  type ServerProcess,
  spawnServer,
  stopServerProcess,
  waitFor,
} from './server-process.js';

const STOP_DEADLINE_MS = 20_000;
const MIN_JAVA_MAJOR = 11;

export interface KafkaBroker {
  /** `127.0.0.1:<port>` (the PLAINTEXT listener). */
  readonly bootstrapServers: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly pid: number;
  /** The broker's log4j log (inside the temp dir, gone after stop/kill). */
  readonly logFile: string;
  /** How long the jar fetch and the broker start-up took. */
  readonly timings: KafkaStartTimings;
  /** Creates a topic (replication factor 1) and waits for its partition leaders. */
  createTopic(name: string, partitions: number): Promise<void>;
  /** SIGTERM (controlled shutdown), SIGKILL after a deadline; removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILLs the broker (fault tests); removes the temp dir. */
  kill(): Promise<void>;
}

export interface KafkaStartTimings {
  /** Whether the jars were downloaded by this call (false: found in the cache). */
  readonly downloaded: boolean;
  readonly fetchMs: number;
  /** From formatting the storage to the broker answering an admin client. */
  readonly startMs: number;
}

export interface KafkaBrokerOptions {
  /**
   * Apache Kafka version on Maven Central (`org.apache.kafka:kafka_2.13`); default 3.9.1. Any 3.x
   * (KRaft) works; 4.x would need a log4j2 configuration instead of the log4j 1 one written here.
   */
  readonly version?: string;
  /** Deadline for format plus start-up (not the one-off download); default 90 s. */
  readonly startTimeoutMs?: number;
  /** Extra or overriding server.properties entries. */
  readonly properties?: Readonly<Record<string, string>>;
}

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  if (home !== undefined && home !== '' && existsSync(join(home, 'bin', 'java'))) {
    return join(home, 'bin', 'java');
  }
  return 'java';
}

/** The major version of `java` (8 for "1.8.0_x"), or a reason it could not be run. */
function javaMajorVersion(): number | string {
  const result = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) return 'java not found (install a JDK/JRE 11+)';
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (match === null) return `cannot read the java version from: ${result.stderr.split('\n')[0] ?? ''}`;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** Whether `startKafkaBroker()` can work here: java 11+, and the jars cached or Maven to fetch them. */
export function kafkaAvailable(version = DEFAULT_KAFKA_VERSION): ServerAvailability {
  const java = javaMajorVersion();
  if (typeof java === 'string') return { ok: false, reason: java };
  if (java < MIN_JAVA_MAJOR) {
    return { ok: false, reason: `java ${java} is too old for Kafka (needs ${MIN_JAVA_MAJOR}+)` };
  }
  if (kafkaLibsComplete(version)) return { ok: true };
  if (findExecutable(['mvn']) === undefined) {
    return { ok: false, reason: `Kafka ${version} jars are not cached and mvn is missing to fetch them` };
  }
  return { ok: true };
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (Kafka's `Uuid.toString`). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(
  dataDir: string,
  port: number,
  controllerPort: number,
  extra: Readonly<Record<string, string>>,
): string {
  const properties: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': '1',
    'num.network.threads': '2',
    'num.io.threads': '2',
    'num.recovery.threads.per.data.dir': '1',
    'auto.create.topics.enable': 'false',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '4',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '4',
    'group.initial.rebalance.delay.ms': '0',
    // Flink-style sinks keep transactions open for up to a checkpoint interval or more.
    'transaction.max.timeout.ms': String(2 * 60 * 60_000),
    ...extra,
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

/** A quiet kafkajs client; `retries: 0` for readiness probes that do their own polling. */
function adminClient(bootstrapServers: string, clientId: string, retries?: number): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    ...(retries === undefined ? {} : { retry: { retries } }),
  });
}

async function listTopics(bootstrapServers: string): Promise<true> {
  const admin = adminClient(bootstrapServers, 'freshet-test-readiness', 0).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } finally {
    await admin.disconnect();
  }
}

export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const version = options.version ?? DEFAULT_KAFKA_VERSION;
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const fetchStart = performance.now();
  const { libs, downloaded } = await ensureKafkaLibs(version);
  const fetchMs = performance.now() - fetchStart;

  const startStart = performance.now();
  const directory = await mkdtemp(join(tmpdir(), 'freshet-kafka-'));
  const logFile = join(directory, 'server.log');
  const stdoutFile = join(directory, 'stdout.log');
  let broker: ServerProcess | undefined;
  try {
    const [port, controllerPort] = await findFreePorts(2);
    if (port === undefined || controllerPort === undefined) throw new Error('no free ports');
    const propertiesFile = join(directory, 'server.properties');
    const log4jFile = join(directory, 'log4j.properties');
    await writeFile(
      propertiesFile,
      serverProperties(join(directory, 'data'), port, controllerPort, options.properties ?? {}),
    );
    await writeFile(log4jFile, log4jProperties(logFile));
    const jvm = [
      '-Xms64m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${directory}`,
      `-Dlog4j.configuration=file:${log4jFile}`,
      '-cp',
      join(libs, '*'),
    ];
    const java = javaCommand();
    await runCommand(
      java,
      [...jvm, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', propertiesFile],
      {
        cwd: directory,
        logFile: join(directory, 'format.log'),
        timeoutMs,
      },
    );
    const started = spawnServer(java, [...jvm, 'kafka.Kafka', propertiesFile], {
      cwd: directory,
      logFile: stdoutFile,
    });
    broker = started;
    const bootstrapServers = `127.0.0.1:${port}`;
    await waitFor('Kafka broker answering an admin client', () => listTopics(bootstrapServers), {
      timeoutMs: Math.max(1, timeoutMs - (performance.now() - startStart)),
      intervalMs: 200,
      abortIf: () => {
        const exit = started.exit();
        return exit === undefined ? undefined : `kafka.Kafka exited (code ${String(exit.code)})`;
      },
    }).catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const log = `${await readLogTail(logFile)}\n--- stdout/stderr ---\n${await readLogTail(stdoutFile, 2000)}`;
      throw new Error(`${message}\n--- broker log ---\n${log}`, { cause: error });
    });
    const timings = { downloaded, fetchMs, startMs: performance.now() - startStart };
    return handle(started, { directory, port, controllerPort, logFile, timings });
  } catch (error) {
    if (broker !== undefined) await killServerProcess(broker);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

interface BrokerFacts {
  readonly directory: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly logFile: string;
  readonly timings: KafkaStartTimings;
}

function handle(proc: ServerProcess, facts: BrokerFacts): KafkaBroker {
  const bootstrapServers = `127.0.0.1:${facts.port}`;
  let finished: Promise<void> | undefined;
  const finish = (how: () => Promise<unknown>): Promise<void> => {
    finished ??= (async () => {
      try {
        await how();
      } finally {
        await rm(facts.directory, { recursive: true, force: true });
      }
    })();
    return finished;
  };
  return {
    bootstrapServers,
    port: facts.port,
    controllerPort: facts.controllerPort,
    pid: proc.pid,
    logFile: facts.logFile,
    timings: facts.timings,
    async createTopic(name: string, partitions: number): Promise<void> {
      const admin = adminClient(bootstrapServers, 'freshet-test-admin').admin();
      await admin.connect();
      try {
        const created = await admin.createTopics({
          topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }],
          waitForLeaders: true,
        });
        if (!created) throw new Error(`topic '${name}' already exists on ${bootstrapServers}`);
      } finally {
        await admin.disconnect();
      }
    },
    stop: () => finish(() => stopServerProcess(proc, 'SIGTERM', STOP_DEADLINE_MS)),
    kill: () => finish(() => killServerProcess(proc)),
  };
}
