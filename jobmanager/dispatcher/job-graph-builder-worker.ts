/**
 * Entry point of a JobGraphBuilder worker thread: evaluates the bundle with Freshet's modules
 * provided, runs its `main(args)` in capture mode, and posts back the plain-data JobGraph (or the
 * error, serialized). Mirrors how a slot worker rebuilds a pipeline, so both build the same graph.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { ProgramAbortException } from '../../api/environment/execution-context.js';
import { capturePipeline } from '../../api/environment/plan-capture.js';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { evaluateBundle, findJobMain, type JobMain } from '../../common/bundle/evaluate-bundle.js';
import { FreshetError, UserError, toError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import type { JobGraphBuilderReply, JobGraphBuilderWorkerData } from './job-graph-builder.js';

const data = workerData as JobGraphBuilderWorkerData;
const parent = parentPort as MessagePort;

/** Carries what the program's own `main()` threw past `capturePipeline`. */
class MainThrew extends Error {
  constructor(readonly thrown: unknown) {
    super("the job's main() threw");
  }
}

function programFailed(what: string, thrown: unknown): UserError {
  const error = toError(thrown);
  return new UserError('PROGRAM_FAILED', `${what}: ${error.message}`, { cause: error });
}

async function buildJobGraph(): Promise<JobGraph> {
  const provided: Record<string, unknown> = {};
  for (const [name, url] of Object.entries(data.providedModules)) provided[name] = await import(url);
  const code = await readFile(data.bundlePath, 'utf8');
  let moduleExports: unknown;
  try {
    moduleExports = evaluateBundle(code, data.bundlePath, provided);
  } catch (error) {
    if (error instanceof UserError && error.code === 'MALFORMED_BUNDLE') throw error;
    throw programFailed('the job bundle threw while it was loaded', error);
  }
  const main = findJobMain(moduleExports, data.bundlePath);
  const guarded: JobMain = async (args) => {
    try {
      return await main(args);
    } catch (error) {
      if (error instanceof ProgramAbortException) throw error;
      throw new MainThrew(error);
    }
  };
  try {
    const pipeline = await capturePipeline(guarded, data.programArgs, {
      defaultParallelism: data.defaultParallelism,
      configuration: data.configuration,
    });
    return pipeline.jobGraph;
  } catch (error) {
    if (error instanceof MainThrew) throw programFailed("the job's main() threw", error.thrown);
    throw error;
  }
}

function reply(message: JobGraphBuilderReply): void {
  try {
    parent.postMessage(message);
  } catch (error) {
    const cause = toError(error);
    const failure = new FreshetError(
      'JOB_GRAPH_NOT_CLONEABLE',
      `the job graph could not be sent to the JobManager: ${cause.message}`,
      { cause },
    );
    parent.postMessage({ type: 'error', error: serializeError(failure) } satisfies JobGraphBuilderReply);
  }
}

void buildJobGraph().then(
  (jobGraph) => reply({ type: 'job-graph', jobGraph }),
  (error: unknown) => reply({ type: 'error', error: serializeError(error) }),
);
