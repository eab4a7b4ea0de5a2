/**
 * The Kafka producer properties a KafkaSink understands (Kafka's names, as `setProperty(key, value)`
 * takes them), parsed and checked when the sink is built, and the kafkajs client made from them.
 * Properties Kafka's Java producer has but kafkajs cannot honour are refused with a hint instead of
 * being ignored silently.
 */
import type { Kafka } from 'kafkajs';
import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import { loadKafkajs } from '../../../common/lazy-modules.js';
import { DeliveryGuarantee } from './delivery-guarantee.js';

/** Flink's default: an hour, so a transaction survives long checkpoints and restarts. */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 60 * 60_000;

export interface KafkaProducerConfig {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly transactionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  /** Retries of a failed request (connecting, sending, committing) before the task fails. */
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  /** -1 (`all`), 0 or 1; transactions need -1. */
  readonly acks: -1 | 0 | 1;
  readonly compression: 'none' | 'gzip';
  /** Buffered records are sent once they reach this many bytes, without waiting for `lingerMs`. */
  readonly batchSizeBytes: number;
  /** How long a record may wait for more to send together; 0: the next turn of the event loop. */
  readonly lingerMs: number;
  /** Requests of an at-least-once writer in flight at once (transactions send one at a time). */
  readonly maxInFlightRequests: number;
}

const REFUSED: Readonly<Record<string, string>> = {
  'transactional.id':
    'use setTransactionalIdPrefix(prefix): the sink derives one id per subtask and checkpoint',
  'enable.idempotence': 'EXACTLY_ONCE writes transactionally; AT_LEAST_ONCE resends on failures',
  'key.serializer': 'use KafkaRecordSerializationSchema.builder().setKeySerializationSchema(...)',
  'value.serializer': 'use KafkaRecordSerializationSchema.builder().setValueSerializationSchema(...)',
};

type Parsed = { -readonly [K in keyof KafkaProducerConfig]?: KafkaProducerConfig[K] };

const PARSERS: Readonly<Record<string, (value: string, key: string, into: Parsed) => void>> = {
  'bootstrap.servers': (value, key, into) => {
    const servers = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (servers.length === 0 || servers.some((s) => !/^[^\s:]+:\d+$/.test(s))) {
      throw invalid(key, value, 'a comma-separated list of host:port');
    }
    into.bootstrapServers = servers;
  },
  'client.id': (value, _key, into) => (into.clientId = value),
  'transaction.timeout.ms': (value, key, into) => (into.transactionTimeoutMs = positiveInt(key, value)),
  'request.timeout.ms': (value, key, into) => (into.requestTimeoutMs = positiveInt(key, value)),
  'socket.connection.setup.timeout.ms': (value, key, into) =>
    (into.connectionTimeoutMs = positiveInt(key, value)),
  retries: (value, key, into) => (into.retries = nonNegativeInt(key, value)),
  'retry.backoff.ms': (value, key, into) => (into.retryBackoffMs = positiveInt(key, value)),
  'retry.backoff.max.ms': (value, key, into) => (into.retryBackoffMaxMs = positiveInt(key, value)),
  acks: (value, key, into) => {
    const acks = { all: -1, '-1': -1, '0': 0, '1': 1 }[value];
    if (acks === undefined) throw invalid(key, value, "'all', '-1', '0' or '1'");
    into.acks = acks as -1 | 0 | 1;
  },
  'compression.type': (value, key, into) => {
    if (value !== 'none' && value !== 'gzip') throw invalid(key, value, "'none' or 'gzip'");
    into.compression = value;
  },
  'batch.size': (value, key, into) => (into.batchSizeBytes = positiveInt(key, value)),
  'linger.ms': (value, key, into) => (into.lingerMs = nonNegativeInt(key, value)),
  'max.in.flight.requests.per.connection': (value, key, into) =>
    (into.maxInFlightRequests = positiveInt(key, value)),
};

/** The supported property keys, for messages and docs. */
export const SUPPORTED_PRODUCER_PROPERTIES: readonly string[] = Object.keys(PARSERS);

/** Parses `properties` for a sink with `guarantee`; throws IllegalConfigurationError naming the key. */
export function parseKafkaProducerConfig(
  properties: Readonly<Record<string, string>>,
  guarantee: DeliveryGuarantee,
): KafkaProducerConfig {
  const parsed: Parsed = {};
  for (const [key, value] of Object.entries(properties)) {
    const refused = REFUSED[key];
    if (refused !== undefined) {
      throw new IllegalConfigurationError(
        `KafkaSink does not take the producer property '${key}': ${refused}`,
      );
    }
    const parse = PARSERS[key];
    if (parse === undefined) {
      throw new IllegalConfigurationError(
        `KafkaSink does not support the producer property '${key}' (supported: ${SUPPORTED_PRODUCER_PROPERTIES.join(', ')})`,
      );
    }
    parse(String(value).trim(), key, parsed);
  }
  if (parsed.bootstrapServers === undefined) {
    throw new IllegalConfigurationError('KafkaSink needs setBootstrapServers("host:port,...")');
  }
  const acks = parsed.acks ?? -1;
  if (guarantee !== DeliveryGuarantee.NONE && acks !== -1) {
    throw new IllegalConfigurationError(
      `KafkaSink with delivery guarantee ${guarantee} needs acks=all (got acks=${acks}); ` +
        'only DeliveryGuarantee.NONE may use acks 0 or 1',
    );
  }
  return {
    bootstrapServers: parsed.bootstrapServers,
    clientId: parsed.clientId ?? 'freshet-kafka-sink',
    transactionTimeoutMs: parsed.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    requestTimeoutMs: parsed.requestTimeoutMs ?? 30_000,
    connectionTimeoutMs: parsed.connectionTimeoutMs ?? 10_000,
    retries: parsed.retries ?? 5,
    retryBackoffMs: parsed.retryBackoffMs ?? 300,
    retryBackoffMaxMs: parsed.retryBackoffMaxMs ?? 30_000,
    acks,
    compression: parsed.compression ?? 'none',
    batchSizeBytes: parsed.batchSizeBytes ?? 1024 * 1024,
    lingerMs: parsed.lingerMs ?? 0,
    maxInFlightRequests: parsed.maxInFlightRequests ?? 5,
  };
}

/** A kafkajs client for `config`, silent (errors reach the task instead of the console). */
export function createKafkaClient(config: KafkaProducerConfig, clientIdSuffix: string): Kafka {
  const { Kafka, logLevel } = loadKafkajs();
  return new Kafka({
    clientId: `${config.clientId}-${clientIdSuffix}`,
    brokers: [...config.bootstrapServers],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: {
      retries: config.retries,
      initialRetryTime: config.retryBackoffMs,
      maxRetryTime: config.retryBackoffMaxMs,
    },
    logLevel: logLevel.NOTHING,
  });
}

function invalid(key: string, value: string, expected: string): IllegalConfigurationError {
  return new IllegalConfigurationError(
    `KafkaSink producer property '${key}' is '${value}'; expected ${expected}`,
  );
}

function nonNegativeInt(key: string, value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalid(key, value, 'a non-negative integer');
  return n;
}

function positiveInt(key: string, value: string): number {
  const n = nonNegativeInt(key, value);
  if (n === 0) throw invalid(key, value, 'a positive integer');
  return n;
}
