/**
 * Turns an uploaded job bundle into its JobGraph on the JobManager (what Flink's JarRunHandler does
 * with a jar's main class): the bundle's `main(args)` runs in capture mode in a fresh worker thread,
 * never on the JobManager's own thread, with a heap limit and a deadline. The worker posts back
 * the plain-data JobGraph; the thread is gone before `build` settles.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { deserializeError, type SerializedError } from '../../common/errors/serialized-error.js';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';

export interface JobGraphBuildRequest {
  readonly bundlePath: string;
  readonly programArgs: readonly string[];
  /** Parallelism of operators the program does not set one for (the request's, or `parallelism.default`). */
  readonly defaultParallelism: number;
  /** What the program's environment sees as configuration; TaskManagers rebuild with the same. */
  readonly configuration: Readonly<Record<string, string>>;
}

export interface JobGraphBuildResult {
  readonly jobGraph: JobGraph;
}

export interface JobGraphBuilderOptions {
  /** URLs of the modules a bundle gets as `freshet` and `freshet/connectors` (the CLI's `providedModuleUrls()`). */
  readonly providedModules: Readonly<Record<string, string>>;
  /** How long `main()` may take to call `execute()`; the worker is terminated after it. Default 60 s. */
  readonly timeoutMs?: number;
  /** The worker's V8 limits. Default: 512 MB of old-generation heap. */
  readonly resourceLimits?: ResourceLimits;
  /** Builds running at once; more are refused (retryable) rather than queued. Default 4. */
  readonly maxConcurrentBuilds?: number;
  /** The worker entry; by default `job-graph-builder-worker.js` next to this module (see below). */
  readonly workerEntry?: URL;
}

/** `workerData` of the builder's worker thread. */
export interface JobGraphBuilderWorkerData extends JobGraphBuildRequest {
  readonly providedModules: Readonly<Record<string, string>>;
}

/** The one message the worker posts. */
export type JobGraphBuilderReply =
  | { readonly type: 'job-graph'; readonly jobGraph: JobGraph }
  | { readonly type: 'error'; readonly error: SerializedError };

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 512 };
const DEFAULT_MAX_CONCURRENT_BUILDS = 4;

/** The compiled worker entry; from TypeScript sources (tests), the build output of the same file. */
export function jobGraphBuilderWorkerEntry(): URL {
  return compiledModuleUrl('./job-graph-builder-worker.js', import.meta.url);
}

export class JobGraphBuilder {
  private running = 0;

  constructor(private readonly options: JobGraphBuilderOptions) {}

  /**
   * Runs the bundle's `main(args)` until it calls `execute()` and returns the graph it built.
   * Throws UserErrors: MALFORMED_BUNDLE (does not compile), NO_JOB_MAIN, PROGRAM_FAILED (`main()`
   * or the bundle's top level threw, or the thread died), NO_EXECUTE, PROGRAM_TIMEOUT.
   */
  async build(request: JobGraphBuildRequest): Promise<JobGraphBuildResult> {
    const limit = this.options.maxConcurrentBuilds ?? DEFAULT_MAX_CONCURRENT_BUILDS;
    if (this.running >= limit) {
      throw new UserError(
        'TOO_MANY_PROGRAM_RUNS',
        `${this.running} job programs are being run already (at most ${limit} at once); try again shortly`,
        { retryable: true },
      );
    }
    const entry = this.options.workerEntry ?? jobGraphBuilderWorkerEntry();
    if (!existsSync(fileURLToPath(entry))) {
      throw new FreshetError(
        'JOB_GRAPH_BUILDER_MISSING',
        `the job graph builder's worker ${fileURLToPath(entry)} does not exist; run \`npm run build\``,
      );
    }
    this.running++;
    try {
      return await this.runWorker(entry, request);
    } finally {
      this.running--;
    }
  }

  private async runWorker(entry: URL, request: JobGraphBuildRequest): Promise<JobGraphBuildResult> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const resourceLimits = this.options.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
    const workerData: JobGraphBuilderWorkerData = {
      bundlePath: request.bundlePath,
      programArgs: [...request.programArgs],
      defaultParallelism: request.defaultParallelism,
      configuration: { ...request.configuration },
      providedModules: { ...this.options.providedModules },
    };
    const worker = new Worker(entry, { workerData, resourceLimits, stdout: false, stderr: false });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<JobGraphBuildResult | Error>((resolve) => {
      timer = setTimeout(() => resolve(timeoutError(timeoutMs)), timeoutMs);
      worker.once('message', (reply: JobGraphBuilderReply) =>
        resolve(reply.type === 'job-graph' ? { jobGraph: reply.jobGraph } : deserializeError(reply.error)),
      );
      worker.once('error', (error) => resolve(threadError(error, resourceLimits)));
      worker.once('exit', (code) =>
        resolve(
          new UserError(
            'PROGRAM_FAILED',
            `the job program ended its thread (exit code ${code}) before calling execute()`,
          ),
        ),
      );
    });
    clearTimeout(timer);
    // The program may have left timers or a loop behind: the thread goes either way.
    await worker.terminate();
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
}

function timeoutError(timeoutMs: number): UserError {
  return new UserError(
    'PROGRAM_TIMEOUT',
    `the job's main() did not call execute() within ${timeoutMs} ms and was stopped; ` +
      'main() must build the pipeline and call execute() without waiting on anything else',
  );
}

function threadError(error: Error, limits: ResourceLimits): UserError {
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const heap = limits.maxOldGenerationSizeMb;
    return new UserError(
      'PROGRAM_FAILED',
      `the job program ran out of memory while building its pipeline` +
        (heap === undefined ? '' : ` (heap limit ${heap} MB)`),
      { cause: error },
    );
  }
  return new UserError('PROGRAM_FAILED', `the job program failed: ${error.message}`, { cause: error });
}
