/**
 * Every configuration key Freshet understands, grouped as Flink groups them (`CoreOptions`,
 * `JobManagerOptions`, ...), with Flink's keys, defaults and constant names so Flink's
 * configuration docs apply unchanged. Durations are milliseconds, memory sizes bytes.
 */
import {
  booleanOption,
  doubleOption,
  durationOption,
  enumOption,
  intOption,
  listOption,
  memorySizeOption,
  stringOption,
  type ConfigOption,
} from './config-option.js';

const MAX_PORT = 65_535;
/** Flink's `Integer.MAX_VALUE`, used where Flink means "practically unlimited". */
const INT_MAX = 2_147_483_647;

export const CoreOptions = {
  DEFAULT_PARALLELISM: intOption('parallelism.default', 1, {
    min: 1,
    description: 'Parallelism of operators and jobs that do not set one.',
  }),
} as const;

export const PipelineOptions = {
  MAX_PARALLELISM: intOption('pipeline.max-parallelism', -1, {
    min: 1,
    max: 32_768,
    allow: [-1],
    description: 'Number of key groups (upper bound for rescaling); -1 derives it from the parallelism.',
  }),
  AUTO_WATERMARK_INTERVAL: durationOption('pipeline.auto-watermark-interval', 200, {
    description: 'How often periodic watermark generators emit; 0 disables periodic watermarks.',
  }),
} as const;

export const ExecutionOptions = {
  BUFFER_TIMEOUT: durationOption('execution.buffer-timeout', 100, {
    description: 'Longest time a network buffer waits to fill before it is flushed; 0 flushes every record.',
  }),
} as const;

export const JobManagerOptions = {
  ADDRESS: stringOption('jobmanager.rpc.address', 'localhost', {
    description: 'Host the JobManager RPC endpoint is reached at.',
  }),
  PORT: intOption('jobmanager.rpc.port', 6123, {
    min: 0,
    max: MAX_PORT,
    description: 'Port of the JobManager RPC endpoint (TaskManagers connect here).',
  }),
  BIND_HOST: stringOption('jobmanager.bind-host', undefined, {
    description:
      'Address the RPC endpoint binds to (e.g. 0.0.0.0 in a container); jobmanager.rpc.address when absent.',
  }),
  SLOT_REQUEST_TIMEOUT: durationOption('slot.request.timeout', 300_000, {
    description: 'How long the scheduler waits for a slot before failing the request.',
  }),
} as const;

export const TaskManagerOptions = {
  HOST: stringOption('taskmanager.host', undefined, {
    description: 'Address this TaskManager is reached at; detected when absent.',
  }),
  BIND_HOST: stringOption('taskmanager.bind-host', undefined, {
    description: 'Address the data port binds to; taskmanager.host (or all interfaces) when absent.',
  }),
  RESOURCE_ID: stringOption('taskmanager.resource-id', undefined, {
    description: 'ID this TaskManager registers with; generated from host and a random suffix when absent.',
  }),
  REGISTRATION_TIMEOUT: durationOption('taskmanager.registration.timeout', 300_000, {
    min: 1,
    description: 'How long a TaskManager keeps trying to register before it gives up and exits.',
  }),
  NUM_TASK_SLOTS: intOption('taskmanager.numberOfTaskSlots', 1, {
    min: 1,
    description: 'Number of slots (worker threads) this TaskManager offers.',
  }),
  DATA_PORT: intOption('taskmanager.data.port', 0, {
    min: 0,
    max: MAX_PORT,
    description: 'Port serving result partitions to other TaskManagers; 0 picks a free port.',
  }),
  MEMORY_SEGMENT_SIZE: memorySizeOption('taskmanager.memory.segment-size', 32 * 1024, {
    description: 'Size of a network buffer.',
  }),
  LOCAL_STATE_ROOT_DIRS: listOption('taskmanager.state.local.root-dirs', undefined, {
    description: 'Directories for local state (RocksDB instances); a temporary directory when absent.',
  }),
  HEALTH_PORT: intOption('taskmanager.health.port', undefined, {
    min: 0,
    max: MAX_PORT,
    description:
      'Port of the HTTP health endpoint (GET /healthz, GET /readyz) on taskmanager.bind-host; no endpoint when ' +
      'absent, 0 picks a free port.',
  }),
} as const;

export const RestOptions = {
  ADDRESS: stringOption('rest.address', 'localhost', {
    description: 'Address clients use to reach the REST endpoint.',
  }),
  BIND_ADDRESS: stringOption('rest.bind-address', undefined, {
    description: 'Address the REST server binds to; defaults to rest.address when absent.',
  }),
  PORT: intOption('rest.port', 8081, { min: 0, max: MAX_PORT, description: 'Port of the REST endpoint.' }),
  AUTH_TOKEN: stringOption('rest.auth.token', undefined, {
    description: 'When set, REST requests must carry "Authorization: Bearer <token>".',
  }),
  SERVER_MAX_CONTENT_LENGTH: intOption('rest.server.max-content-length', 104_857_600, {
    min: 1,
    description: 'Largest request body (in bytes) the REST server accepts, e.g. for /jars/upload.',
  }),
} as const;

export const WebOptions = {
  UPLOAD_DIR: stringOption('web.upload.dir', undefined, {
    description: 'Directory for uploaded job bundles; a temporary directory when absent.',
  }),
} as const;

export const HeartbeatOptions = {
  HEARTBEAT_INTERVAL: durationOption('heartbeat.interval', 10_000, {
    min: 1,
    description: 'Time between heartbeat requests.',
  }),
  HEARTBEAT_TIMEOUT: durationOption('heartbeat.timeout', 50_000, {
    min: 1,
    description: 'A peer without a heartbeat for this long is considered lost.',
  }),
} as const;

export const StateBackendType = { hashmap: 'hashmap', rocksdb: 'rocksdb' } as const;
export type StateBackendType = (typeof StateBackendType)[keyof typeof StateBackendType];

export const StateBackendOptions = {
  STATE_BACKEND: enumOption('state.backend.type', Object.values(StateBackendType), 'hashmap', {
    fallbackKeys: ['state.backend'],
    description: 'Where keyed state lives: on the heap (hashmap) or in RocksDB (rocksdb).',
  }),
  ROCKSDB_CACHE_SIZE: intOption('state.backend.rocksdb.cache-size', 100_000, {
    min: 1,
    description:
      'RocksDB backend: (key, namespace) entries each keyed operator keeps in its write-back cache before it ' +
      'writes dirty ones to RocksDB and drops the oldest.',
  }),
} as const;

export const CheckpointingMode = { EXACTLY_ONCE: 'EXACTLY_ONCE', AT_LEAST_ONCE: 'AT_LEAST_ONCE' } as const;
export type CheckpointingMode = (typeof CheckpointingMode)[keyof typeof CheckpointingMode];

export const CheckpointingOptions = {
  CHECKPOINTS_DIRECTORY: stringOption('state.checkpoints.dir', undefined, {
    fallbackKeys: ['execution.checkpointing.dir'],
    description: 'Where checkpoints are written (file:// or s3://).',
  }),
  SAVEPOINT_DIRECTORY: stringOption('state.savepoints.dir', undefined, {
    fallbackKeys: ['execution.checkpointing.savepoint-dir'],
    description: 'Default directory for savepoints (file:// or s3://).',
  }),
  MAX_RETAINED_CHECKPOINTS: intOption('state.checkpoints.num-retained', 1, {
    min: 1,
    fallbackKeys: ['execution.checkpointing.num-retained'],
    description: 'Number of completed checkpoints kept.',
  }),
  CHECKPOINTING_INTERVAL: durationOption('execution.checkpointing.interval', undefined, {
    min: 10,
    description: 'Time between checkpoints; checkpointing is disabled when absent.',
  }),
  CHECKPOINTING_CONSISTENCY_MODE: enumOption(
    'execution.checkpointing.mode',
    Object.values(CheckpointingMode),
    'EXACTLY_ONCE',
    { description: 'Barrier alignment (EXACTLY_ONCE) or none (AT_LEAST_ONCE).' },
  ),
  CHECKPOINTING_TIMEOUT: durationOption('execution.checkpointing.timeout', 600_000, {
    min: 1,
    description: 'A checkpoint not completed within this time is discarded.',
  }),
  MIN_PAUSE_BETWEEN_CHECKPOINTS: durationOption('execution.checkpointing.min-pause', 0, {
    description: 'Least time between the end of one checkpoint and the start of the next.',
  }),
  MAX_CONCURRENT_CHECKPOINTS: intOption('execution.checkpointing.max-concurrent-checkpoints', 1, {
    min: 1,
    description: 'Most checkpoints in progress at the same time.',
  }),
  TOLERABLE_FAILURE_NUMBER: intOption('execution.checkpointing.tolerable-failed-checkpoints', 0, {
    min: 0,
    description: 'Consecutive checkpoint failures tolerated before the job fails over.',
  }),
  ENABLE_UNALIGNED: booleanOption('execution.checkpointing.unaligned.enabled', false, {
    description: 'Let barriers overtake in-flight data (stored in the checkpoint) instead of aligning.',
  }),
} as const;

export const RestartStrategyType = {
  none: 'none',
  'fixed-delay': 'fixed-delay',
  'exponential-delay': 'exponential-delay',
  'failure-rate': 'failure-rate',
} as const;
export type RestartStrategyType = (typeof RestartStrategyType)[keyof typeof RestartStrategyType];

export const RestartStrategyOptions = {
  RESTART_STRATEGY: enumOption('restart-strategy.type', Object.values(RestartStrategyType), undefined, {
    aliases: {
      off: 'none',
      disable: 'none',
      fixeddelay: 'fixed-delay',
      exponentialdelay: 'exponential-delay',
      failurerate: 'failure-rate',
    },
    fallbackKeys: ['restart-strategy'],
    description:
      'How failed jobs restart. When absent: exponential-delay if checkpointing is enabled, else none.',
  }),
  RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS: intOption('restart-strategy.fixed-delay.attempts', 1, {
    min: 0,
    description: 'Restarts tried before the job fails (fixed-delay).',
  }),
  RESTART_STRATEGY_FIXED_DELAY_DELAY: durationOption('restart-strategy.fixed-delay.delay', 1_000, {
    description: 'Wait between two restarts (fixed-delay).',
  }),
  RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF: durationOption(
    'restart-strategy.exponential-delay.initial-backoff',
    1_000,
    { description: 'Wait before the first restart (exponential-delay).' },
  ),
  RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF: durationOption(
    'restart-strategy.exponential-delay.max-backoff',
    60_000,
    { description: 'Longest wait between restarts (exponential-delay).' },
  ),
  RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER: doubleOption(
    'restart-strategy.exponential-delay.backoff-multiplier',
    2.0,
    { min: 1, description: 'Factor the wait grows by after each failure (exponential-delay).' },
  ),
  RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD: durationOption(
    'restart-strategy.exponential-delay.reset-backoff-threshold',
    3_600_000,
    { description: 'Running this long without failure resets the backoff (exponential-delay).' },
  ),
  RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR: doubleOption(
    'restart-strategy.exponential-delay.jitter-factor',
    0.1,
    { min: 0, max: 1, description: 'Random share added to or taken from each wait (exponential-delay).' },
  ),
  RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS: intOption(
    'restart-strategy.exponential-delay.attempts-before-reset-backoff',
    INT_MAX,
    { min: 1, description: 'Restarts tried before the job fails, until the backoff resets.' },
  ),
  RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL: intOption(
    'restart-strategy.failure-rate.max-failures-per-interval',
    1,
    { min: 1, description: 'Failures tolerated within one interval before the job fails (failure-rate).' },
  ),
  RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL: durationOption(
    'restart-strategy.failure-rate.failure-rate-interval',
    60_000,
    { min: 1, description: 'Window in which failures are counted (failure-rate).' },
  ),
  RESTART_STRATEGY_FAILURE_RATE_DELAY: durationOption('restart-strategy.failure-rate.delay', 1_000, {
    description: 'Wait between two restarts (failure-rate).',
  }),
} as const;

export const HighAvailabilityOptions = {
  HA_STORAGE_PATH: stringOption('high-availability.storageDir', undefined, {
    description: 'Where the JobManager keeps job graphs, bundles and checkpoint pointers to recover jobs.',
  }),
} as const;

export const S3Options = {
  ENDPOINT: stringOption('s3.endpoint', undefined, {
    description: 'S3 endpoint URL (e.g. MinIO); AWS when absent.',
  }),
  PATH_STYLE_ACCESS: booleanOption('s3.path.style.access', false, {
    description: 'Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>.',
  }),
  ACCESS_KEY: stringOption('s3.access-key', undefined, {
    description: 'S3 access key; the AWS default credential chain when absent.',
  }),
  SECRET_KEY: stringOption('s3.secret-key', undefined, {
    description: 'S3 secret key; the AWS default credential chain when absent.',
  }),
  REGION: stringOption('s3.region', undefined, { description: 'S3 region.' }),
} as const;

const OPTION_GROUPS = [
  CoreOptions,
  PipelineOptions,
  ExecutionOptions,
  JobManagerOptions,
  TaskManagerOptions,
  RestOptions,
  WebOptions,
  HeartbeatOptions,
  StateBackendOptions,
  CheckpointingOptions,
  RestartStrategyOptions,
  HighAvailabilityOptions,
  S3Options,
];

/** Every option above by key; `Configuration` validates values of these keys when they are set. */
export const ALL_OPTIONS: ReadonlyMap<string, ConfigOption<unknown>> = new Map(
  OPTION_GROUPS.flatMap((group) =>
    Object.values<ConfigOption<unknown>>(group).map((option) => [option.key, option] as const),
  ),
);
