/**
 * The command line of `npm run bench -- nexmark [q…] [--events N] [--parallelism P]
 * [--backends hashmap,rocksdb] [-m host:port]`: which queries on which state backends, how many
 * events, at which parallelism, and on the embedded local cluster or a running one. Parsing is pure;
 * a bad argument is a NexmarkBenchArgumentError naming the argument and what is accepted.
 */

/** The queries examples/nexmark/ implements, in the suite's order (the default selection). */
export const NEXMARK_BENCH_QUERIES = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8', 'q11', 'q12'] as const;
export type NexmarkBenchQuery = (typeof NEXMARK_BENCH_QUERIES)[number];

export const NEXMARK_BENCH_BACKENDS = ['hashmap', 'rocksdb'] as const;
export type NexmarkBenchBackend = (typeof NEXMARK_BENCH_BACKENDS)[number];

/** One N for every query: the default run of 10 queries × 2 backends stays under ~10 minutes on 2 cores. */
export const DEFAULT_BENCH_EVENTS = 5_000_000;
/** The machine the figures were first taken on has 2 cores; a fixed default keeps runs comparable. */
export const DEFAULT_BENCH_PARALLELISM = 2;

export interface NexmarkBenchOptions {
  readonly queries: readonly NexmarkBenchQuery[];
  readonly backends: readonly NexmarkBenchBackend[];
  readonly events: number;
  readonly parallelism: number;
  /** `-m host:port`: submit to this running cluster instead of the embedded one. */
  readonly jobmanager: string | undefined;
}

export const NEXMARK_BENCH_USAGE =
  `usage: npm run bench -- nexmark [${NEXMARK_BENCH_QUERIES.join(' ')}] [--events N (default ${DEFAULT_BENCH_EVENTS})] ` +
  `[--parallelism P (default ${DEFAULT_BENCH_PARALLELISM})] [--backends hashmap,rocksdb] [-m host:port]`;

export class NexmarkBenchArgumentError extends Error {
  override readonly name = 'NexmarkBenchArgumentError';

  constructor(message: string) {
    super(`${message}\n${NEXMARK_BENCH_USAGE}`);
  }
}

const OPTION_NAMES: Readonly<Record<string, string>> = {
  '--events': 'events',
  '--parallelism': 'parallelism',
  '-p': 'parallelism',
  '--backends': 'backends',
  '-m': 'jobmanager',
  '--jobmanager': 'jobmanager',
};

export function isNexmarkBenchQuery(name: string): name is NexmarkBenchQuery {
  return (NEXMARK_BENCH_QUERIES as readonly string[]).includes(name);
}

export function parseNexmarkBenchArgs(args: readonly string[]): NexmarkBenchOptions {
  const values = new Map<string, string>();
  const queries: NexmarkBenchQuery[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (!isNexmarkBenchQuery(arg)) {
        throw new NexmarkBenchArgumentError(
          `unknown query ${JSON.stringify(arg)}: choose from ${NEXMARK_BENCH_QUERIES.join(', ')}`,
        );
      }
      if (!queries.includes(arg)) queries.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const name = OPTION_NAMES[flag];
    if (name === undefined) throw new NexmarkBenchArgumentError(`unknown option ${flag}`);
    if (values.has(name)) throw new NexmarkBenchArgumentError(`${flag} is given twice`);
    const value = equals < 0 ? args[++i] : arg.slice(equals + 1);
    if (value === undefined || value === '' || (equals < 0 && value.startsWith('-'))) {
      throw new NexmarkBenchArgumentError(`${flag} needs a value`);
    }
    values.set(name, value);
  }
  return {
    queries: queries.length === 0 ? NEXMARK_BENCH_QUERIES : queries,
    backends: parseBackends(values.get('backends')),
    events: positiveInteger('--events', values.get('events')) ?? DEFAULT_BENCH_EVENTS,
    parallelism: positiveInteger('--parallelism', values.get('parallelism')) ?? DEFAULT_BENCH_PARALLELISM,
    jobmanager: values.get('jobmanager'),
  };
}

function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new NexmarkBenchArgumentError(`${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseBackends(text: string | undefined): readonly NexmarkBenchBackend[] {
  if (text === undefined) return NEXMARK_BENCH_BACKENDS;
  const backends: NexmarkBenchBackend[] = [];
  for (const name of text.split(',').map((s) => s.trim())) {
    if (!(NEXMARK_BENCH_BACKENDS as readonly string[]).includes(name)) {
      throw new NexmarkBenchArgumentError(
        `--backends takes a comma-separated list of ${NEXMARK_BENCH_BACKENDS.join(', ')}, got ${JSON.stringify(name)}`,
      );
    }
    const backend = name as NexmarkBenchBackend;
    if (!backends.includes(backend)) backends.push(backend);
  }
  return backends;
}
