/**
 * The command line of the Nexmark example jobs (`freshet run examples/nexmark/q5.ts -- --events 1000000`):
 * how many events to generate and how fast, the job's parallelism, sink, checkpointing and state
 * backend. Parsing is pure; a bad argument is a NexmarkArgumentError that names the flag and the
 * accepted values.
 */

export const NEXMARK_SINKS = ['blackhole', 'print', 'collect'] as const;
/** blackhole: Flink's DiscardingSink (the benchmark setting); print: stdout; collect: back to the client. */
export type NexmarkSinkKind = (typeof NEXMARK_SINKS)[number];

export const NEXMARK_STATE_BACKENDS = ['hashmap', 'rocksdb'] as const;
export type NexmarkStateBackend = (typeof NEXMARK_STATE_BACKENDS)[number];

/** As the Nexmark suite's `nexmark.workload.suite.*.events.num` default. */
export const DEFAULT_NEXMARK_EVENTS = 10_000_000;

export interface NexmarkJobOptions {
  /** Events to generate; undefined = unbounded. */
  readonly events: number | undefined;
  /** Events per second of event time (the generator's inter-event delay). */
  readonly tps: number | undefined;
  readonly seed: number | undefined;
  /** Wall-clock events per second the source may emit; undefined = as fast as it can. */
  readonly rateLimit: number | undefined;
  /** Job parallelism; undefined = the CLI's `-p` or the configured default. */
  readonly parallelism: number | undefined;
  readonly sink: NexmarkSinkKind;
  /** Checkpoint interval in ms; 0 = no checkpoints. */
  readonly checkpointInterval: number;
  /** undefined = the cluster's `state.backend.type`. */
  readonly stateBackend: NexmarkStateBackend | undefined;
}

export const NEXMARK_USAGE =
  'usage: -- [--events N (default 10000000; 0 = unbounded)] [--unbounded] [--tps N] [--seed N] ' +
  '[--rate-limit N] [--parallelism P] [--sink blackhole|print|collect] [--checkpoint-interval MS (0 = off)] ' +
  '[--state-backend hashmap|rocksdb]';

/** A program argument the Nexmark jobs do not accept. */
export class NexmarkArgumentError extends Error {
  override readonly name = 'NexmarkArgumentError';

  constructor(message: string) {
    super(`${message}\n${NEXMARK_USAGE}`);
  }
}

const FLAGS_WITH_VALUE = new Set([
  'events',
  'tps',
  'seed',
  'rate-limit',
  'parallelism',
  'sink',
  'checkpoint-interval',
  'state-backend',
]);
const BOOLEAN_FLAGS = new Set(['unbounded']);

/** Reads `--flag value` and `--flag=value` pairs; unknown flags, missing values and repeats are errors. */
function readFlags(args: readonly string[]): { values: Map<string, string>; booleans: Set<string> } {
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (match === null) throw new NexmarkArgumentError(`unexpected argument ${JSON.stringify(arg)}`);
    const flag = match[1]!;
    if (values.has(flag) || booleans.has(flag)) throw new NexmarkArgumentError(`--${flag} is given twice`);
    if (BOOLEAN_FLAGS.has(flag)) {
      if (match[2] !== undefined) throw new NexmarkArgumentError(`--${flag} takes no value`);
      booleans.add(flag);
    } else if (FLAGS_WITH_VALUE.has(flag)) {
      const value = match[2] ?? args[++i];
      if (value === undefined || value === '') throw new NexmarkArgumentError(`--${flag} needs a value`);
      values.set(flag, value);
    } else {
      throw new NexmarkArgumentError(`unknown option --${flag}`);
    }
  }
  return { values, booleans };
}

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new NexmarkArgumentError(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function oneOf<T extends string>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new NexmarkArgumentError(
      `--${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`,
    );
  }
  return text as T;
}

export function parseNexmarkArgs(args: readonly string[]): NexmarkJobOptions {
  const { values, booleans } = readFlags(args);
  const unbounded = booleans.has('unbounded');
  const eventsArg = integer('events', values.get('events'), 0);
  if (unbounded && eventsArg !== undefined && eventsArg > 0) {
    throw new NexmarkArgumentError(`--unbounded contradicts --events ${eventsArg}`);
  }
  const events = unbounded || eventsArg === 0 ? undefined : (eventsArg ?? DEFAULT_NEXMARK_EVENTS);
  const sink = oneOf('sink', values.get('sink'), NEXMARK_SINKS) ?? 'blackhole';
  if (sink === 'collect' && events === undefined) {
    throw new NexmarkArgumentError('--sink collect needs a bounded input (--events N with N > 0)');
  }
  const checkpointInterval = integer('checkpoint-interval', values.get('checkpoint-interval'), 0) ?? 0;
  if (checkpointInterval > 0 && checkpointInterval < 10) {
    throw new NexmarkArgumentError(
      `--checkpoint-interval must be 0 (off) or at least 10 ms, got ${checkpointInterval}`,
    );
  }
  return {
    events,
    tps: integer('tps', values.get('tps'), 1),
    seed: integer('seed', values.get('seed'), 0),
    rateLimit: integer('rate-limit', values.get('rate-limit'), 1),
    parallelism: integer('parallelism', values.get('parallelism'), 1),
    sink,
    checkpointInterval,
    stateBackend: oneOf('state-backend', values.get('state-backend'), NEXMARK_STATE_BACKENDS),
  };
}
