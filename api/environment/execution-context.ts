/**
 * Where `getExecutionEnvironment()` learns what `execute()` should do: run the job through a
 * PipelineExecutor (a local mini-cluster, or a cluster client), or only capture the plan (for
 * `freshet info` and on a TaskManager, which rebuilds the graph to bind user functions).
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { JobGraph } from '../graph/job-graph.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import type { JobClient } from './job-client.js';

export interface Pipeline {
  readonly streamGraph: StreamGraph;
  readonly jobGraph: JobGraph;
}

export interface PipelineExecutor {
  execute(pipeline: Pipeline): Promise<JobClient>;
}

export type ExecutionContext =
  | {
      readonly mode: 'execute';
      readonly executor: PipelineExecutor;
      /** From `-p`: overrides the program's default parallelism unless the program sets it. */
      readonly defaultParallelism?: number;
      readonly configuration?: Readonly<Record<string, string>>;
    }
  | {
      readonly mode: 'capture';
      readonly defaultParallelism?: number;
      readonly configuration?: Readonly<Record<string, string>>;
      onPipeline(pipeline: Pipeline): void;
    };

/** Thrown out of `execute()` in capture mode to stop the program once its plan is known. */
export class ProgramAbortException extends FreshetError {
  constructor() {
    super('PROGRAM_ABORT', 'the program was stopped after its plan was captured');
    this.name = 'ProgramAbortException';
  }
}

let current: ExecutionContext | undefined;
let defaultExecutorFactory: (() => PipelineExecutor) | undefined;

export function setExecutionContext(context: ExecutionContext | undefined): void {
  current = context;
}

export function getExecutionContext(): ExecutionContext | undefined {
  return current;
}

/** Installed by the package entry: how to run a job when nothing else was placed in context. */
export function setDefaultExecutorFactory(factory: () => PipelineExecutor): void {
  defaultExecutorFactory = factory;
}

export function getDefaultExecutor(): PipelineExecutor {
  if (defaultExecutorFactory === undefined) {
    throw new FreshetError(
      'NO_EXECUTOR',
      "no executor is installed: import the job API from 'freshet' (the package entry), or run the job with 'freshet run'",
    );
  }
  return defaultExecutorFactory();
}
