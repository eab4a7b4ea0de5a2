/**
 * What every Nexmark example job shares: the command line (see nexmark-args.ts), an environment
 * set up from it, the generated event stream, and the run — the query's output goes to a
 * DiscardingSink (the benchmark setting), stdout, or back to the client, under the job name
 * `Nexmark qN`. A query is a function from the event stream to its result stream; a query file's
 * `main` is one call of `runNexmarkMain`.
 */
import {
  StreamExecutionEnvironment,
  type DataStream,
  type JobExecutionResult,
  type SingleOutputStreamOperator,
} from 'freshet';
import { DiscardingSink, NexmarkSource, type NexmarkConfig, type NexmarkEvent } from 'freshet/connectors';
import { parseNexmarkArgs, type NexmarkJobOptions } from './nexmark-args.js';

export {
  parseNexmarkArgs,
  NexmarkArgumentError,
  NEXMARK_USAGE,
  type NexmarkJobOptions,
} from './nexmark-args.js';

/** A Nexmark query: the result stream computed from the stream of all events. */
export type NexmarkQuery<R = unknown> = (events: DataStream<NexmarkEvent>) => DataStream<R>;

/** The generator config for the options (undefined fields take the generator's defaults). */
export function nexmarkConfig(options: NexmarkJobOptions): NexmarkConfig {
  return {
    events: options.events,
    tps: options.tps,
    seed: options.seed,
    rateLimit: options.rateLimit,
  };
}

/** An environment with the options' parallelism, checkpointing and state backend. */
export function nexmarkEnvironment(options: NexmarkJobOptions): StreamExecutionEnvironment {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  if (options.parallelism !== undefined) env.setParallelism(options.parallelism);
  if (options.checkpointInterval > 0) env.enableCheckpointing(options.checkpointInterval);
  if (options.stateBackend !== undefined) env.setStateBackend(options.stateBackend);
  return env;
}

/** The Nexmark events, with event timestamps and the generator's watermarks (max event time - 4 s). */
export function nexmarkEvents(
  env: StreamExecutionEnvironment,
  config: NexmarkConfig,
): SingleOutputStreamOperator<NexmarkEvent> {
  return env.fromSource(new NexmarkSource(config), NexmarkSource.watermarkStrategy(), 'Nexmark Source');
}

export interface NexmarkRun<R> {
  readonly result: JobExecutionResult | undefined;
  /** The query's output, with `--sink collect` only. */
  readonly records: R[] | undefined;
}

/** Builds the job `Nexmark <name>` for the options and runs it to its end. */
export async function runNexmarkQuery<R>(
  name: string,
  query: NexmarkQuery<R>,
  options: NexmarkJobOptions,
): Promise<NexmarkRun<R>> {
  const env = nexmarkEnvironment(options);
  const output = query(nexmarkEvents(env, nexmarkConfig(options)));
  const jobName = `Nexmark ${name}`;
  switch (options.sink) {
    case 'collect':
      return { result: undefined, records: await output.executeAndCollect(jobName) };
    case 'print':
      output.print();
      break;
    case 'blackhole':
      output.sinkTo(new DiscardingSink<R>()).name('Discarding Sink');
      break;
  }
  return { result: await env.execute(jobName), records: undefined };
}

/**
 * The `main` of a query file: parses the program arguments and runs the query. With
 * `--sink collect` it prints how many records came back (the records themselves: `--sink print`).
 */
export async function runNexmarkMain<R>(
  name: string,
  query: NexmarkQuery<R>,
  args: readonly string[],
): Promise<void> {
  const options = parseNexmarkArgs(args);
  const run = await runNexmarkQuery(name, query, options);
  if (run.records !== undefined) console.log(`Nexmark ${name}: collected ${run.records.length} records`);
}
