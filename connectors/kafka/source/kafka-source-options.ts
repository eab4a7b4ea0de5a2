/**
 * The KafkaSource's properties (Flink's KafkaSourceOptions plus the Kafka consumer keys it
 * honours), given with `setProperty(key, value)` on the builder and parsed once into a typed
 * KafkaSourceConfig. Defaults are Flink's and Kafka's; `isolation.level` is read_uncommitted as
 * in Flink (the Kafka consumer default) — set read_committed to skip aborted transactions.
 */
import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import type { RetryPolicy } from './kafka-retry.js';

export const KafkaSourceOptions = {
  BOOTSTRAP_SERVERS: 'bootstrap.servers',
  GROUP_ID: 'group.id',
  CLIENT_ID_PREFIX: 'client.id.prefix',
  PARTITION_DISCOVERY_INTERVAL_MS: 'partition.discovery.interval.ms',
  COMMIT_OFFSETS_ON_CHECKPOINT: 'commit.offsets.on.checkpoint',
  ISOLATION_LEVEL: 'isolation.level',
  AUTO_OFFSET_RESET: 'auto.offset.reset',
  DEFAULT_API_TIMEOUT_MS: 'default.api.timeout.ms',
  REQUEST_TIMEOUT_MS: 'request.timeout.ms',
  SOCKET_CONNECTION_SETUP_TIMEOUT_MS: 'socket.connection.setup.timeout.ms',
  RETRY_BACKOFF_MS: 'retry.backoff.ms',
  RETRY_BACKOFF_MAX_MS: 'retry.backoff.max.ms',
  FETCH_MAX_WAIT_MS: 'fetch.max.wait.ms',
  FETCH_MIN_BYTES: 'fetch.min.bytes',
  FETCH_MAX_BYTES: 'fetch.max.bytes',
  MAX_PARTITION_FETCH_BYTES: 'max.partition.fetch.bytes',
  METADATA_MAX_AGE_MS: 'metadata.max.age.ms',
} as const;

export const IsolationLevel = {
  READ_UNCOMMITTED: 'read_uncommitted',
  READ_COMMITTED: 'read_committed',
} as const;
export type IsolationLevel = (typeof IsolationLevel)[keyof typeof IsolationLevel];

/** Flink's default partition discovery interval: 5 minutes. */
export const DEFAULT_PARTITION_DISCOVERY_INTERVAL_MS = 300_000;

export interface KafkaSourceConfig {
  readonly bootstrapServers: readonly string[];
  readonly groupId: string | undefined;
  readonly clientIdPrefix: string;
  /** <= 0: no periodic discovery (always so for a bounded source). */
  readonly partitionDiscoveryIntervalMs: number;
  /** Commit checkpointed offsets to `group.id` (only when a group ID is set). */
  readonly commitOffsetsOnCheckpoint: boolean;
  readonly isolationLevel: IsolationLevel;
  /** Where a reader goes when its offset is out of range (retention deleted it). */
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  readonly retry: RetryPolicy;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly fetchMaxWaitMs: number;
  readonly fetchMinBytes: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
  readonly metadataMaxAgeMs: number;
  /** Every property as given (plus derived defaults), for user-defined factories. */
  readonly properties: Readonly<Record<string, string>>;
}

function integer(
  properties: Readonly<Record<string, string>>,
  key: string,
  fallback: number,
  min: number,
): number {
  const raw = properties[key];
  if (raw === undefined) return fallback;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    throw new IllegalConfigurationError(
      `KafkaSource property '${key}' must be an integer >= ${min}, got '${raw}'`,
    );
  }
  return value;
}

function bool(properties: Readonly<Record<string, string>>, key: string, fallback: boolean): boolean {
  const raw = properties[key];
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new IllegalConfigurationError(`KafkaSource property '${key}' must be true or false, got '${raw}'`);
}

function oneOf<V extends string>(
  properties: Readonly<Record<string, string>>,
  key: string,
  values: readonly V[],
  fallback: V,
): V {
  const raw = properties[key];
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  const found = values.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new IllegalConfigurationError(
      `KafkaSource property '${key}' must be one of ${values.join(', ')}, got '${raw}'`,
    );
  }
  return found;
}

/** Parses and checks the properties; throws IllegalConfigurationError naming the bad key. */
export function parseKafkaSourceConfig(properties: Readonly<Record<string, string>>): KafkaSourceConfig {
  const servers = (properties[KafkaSourceOptions.BOOTSTRAP_SERVERS] ?? '')
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server !== '');
  if (servers.length === 0) {
    throw new IllegalConfigurationError(
      'KafkaSource needs bootstrap servers: call setBootstrapServers("host:port,...")',
    );
  }
  const groupId = properties[KafkaSourceOptions.GROUP_ID];
  const commitSetExplicitly = properties[KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT] !== undefined;
  const commit = bool(properties, KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT, true);
  if (commit && commitSetExplicitly && groupId === undefined) {
    throw new IllegalConfigurationError(
      `KafkaSource property '${KafkaSourceOptions.GROUP_ID}' is required when ` +
        `'${KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT}' is true: call setGroupId(...)`,
    );
  }
  const backoffMs = integer(properties, KafkaSourceOptions.RETRY_BACKOFF_MS, 100, 0);
  return {
    bootstrapServers: servers,
    groupId,
    clientIdPrefix: properties[KafkaSourceOptions.CLIENT_ID_PREFIX] ?? groupId ?? 'KafkaSource',
    partitionDiscoveryIntervalMs: integer(
      properties,
      KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS,
      DEFAULT_PARTITION_DISCOVERY_INTERVAL_MS,
      Number.MIN_SAFE_INTEGER,
    ),
    commitOffsetsOnCheckpoint: commit && groupId !== undefined,
    isolationLevel: oneOf(
      properties,
      KafkaSourceOptions.ISOLATION_LEVEL,
      [IsolationLevel.READ_UNCOMMITTED, IsolationLevel.READ_COMMITTED],
      IsolationLevel.READ_UNCOMMITTED,
    ),
    autoOffsetReset: oneOf(
      properties,
      KafkaSourceOptions.AUTO_OFFSET_RESET,
      ['earliest', 'latest', 'none'] as const,
      'earliest',
    ),
    retry: {
      timeoutMs: integer(properties, KafkaSourceOptions.DEFAULT_API_TIMEOUT_MS, 60_000, 0),
      backoffMs,
      maxBackoffMs: integer(properties, KafkaSourceOptions.RETRY_BACKOFF_MAX_MS, 1000, 0),
    },
    requestTimeoutMs: integer(properties, KafkaSourceOptions.REQUEST_TIMEOUT_MS, 30_000, 1),
    connectionTimeoutMs: integer(
      properties,
      KafkaSourceOptions.SOCKET_CONNECTION_SETUP_TIMEOUT_MS,
      10_000,
      1,
    ),
    fetchMaxWaitMs: integer(properties, KafkaSourceOptions.FETCH_MAX_WAIT_MS, 500, 0),
    fetchMinBytes: integer(properties, KafkaSourceOptions.FETCH_MIN_BYTES, 1, 0),
    fetchMaxBytes: integer(properties, KafkaSourceOptions.FETCH_MAX_BYTES, 52_428_800, 1),
    maxPartitionFetchBytes: integer(properties, KafkaSourceOptions.MAX_PARTITION_FETCH_BYTES, 1_048_576, 1),
    metadataMaxAgeMs: integer(properties, KafkaSourceOptions.METADATA_MAX_AGE_MS, 300_000, 0),
    properties: { ...properties },
  };
}
