/**
 * Bench jobs on the embedded runtime that keep their JobMaster: the program runs like bench-runner's
 * runJob (bundle → MiniCluster with worker slots, the `freshet run` path), optionally restored from
 * a savepoint, and the bench gets the JobMaster (to sample statistics, take savepoints, cancel) and
 * the program's main, which settles when the job ends.
 */
import {
  setExecutionContext,
  type Pipeline,
  type PipelineExecutor,
} from '../../../api/environment/execution-context.js';
import type { JobClient } from '../../../api/environment/job-client.js';
import { masterJobClient } from '../../../cli/local/local-executor.js';
import { MiniCluster } from '../../../cli/local/mini-cluster.js';
import { providedModuleUrls, type JobProgram } from '../../../cli/program/job-program.js';
import { JobId } from '../../../common/ids.js';
import type { SavepointRestoreSettings } from '../../../jobmanager/checkpoint/savepoint-restore.js';
import type { JobMaster, JobResult } from '../../../jobmanager/scheduler/job-master.js';
import { planSlotSharing } from '../../../jobmanager/scheduler/slot-sharing-placement.js';
import { wallClockMillis } from './network-records.js';

export interface LocalJobOptions {
  /** Start from this savepoint instead of empty state. */
  readonly savepoint?: SavepointRestoreSettings;
}

export interface StartedLocalJob {
  readonly master: JobMaster;
  /** Wall-clock ms (epoch, sub-ms) right before the job was submitted to the cluster. */
  readonly submittedAt: number;
  /** The program's main: settles when the job ends (rejects when it was cancelled or failed). */
  readonly program: Promise<void>;
}

/** Runs `program`'s main and resolves once its job's JobMaster exists (the job is being deployed). */
export async function startLocalJob(
  program: JobProgram,
  args: readonly string[],
  options: LocalJobOptions = {},
): Promise<StartedLocalJob> {
  let submitted!: (started: { master: JobMaster; at: number }) => void;
  const master = new Promise<{ master: JobMaster; at: number }>((resolve) => (submitted = resolve));
  const executor = new MasterKeepingExecutor(program.bundlePath, [...args], options, submitted);
  setExecutionContext({ mode: 'execute', executor, defaultParallelism: 1, configuration: {} });
  const main = Promise.resolve(program.main([...args])).then(
    () => setExecutionContext(undefined),
    (error: unknown) => {
      setExecutionContext(undefined);
      throw error;
    },
  );
  const started = await Promise.race([master, main.then(() => undefined)]);
  if (started === undefined) throw new Error('the bench job ended without submitting a job');
  return { master: started.master, submittedAt: started.at, program: main };
}

export class LocalJobHandle {
  constructor(
    readonly master: JobMaster,
    /** The program's main: settles when the job ends (rejects when it was cancelled or failed). */
    protected readonly program: Promise<void>,
  ) {}

  /** Resolves when a bounded job has FINISHED (and its cluster is closed); throws when it ended otherwise. */
  async finished(): Promise<JobResult> {
    await this.program;
    const result = await this.master.result;
    if (result.status !== 'FINISHED') throw new Error(`the job ended ${result.status}`);
    return result;
  }

  /** Cancels an unbounded job and waits for its end (and for its cluster's shutdown). */
  async cancel(): Promise<void> {
    this.master.cancel();
    const result = await this.master.result;
    await this.program.then(
      () => undefined,
      (error: unknown) => {
        if (result.status !== 'CANCELED') throw error;
      },
    );
  }
}

/**
 * LocalExecutor's job (a MiniCluster sized to the job, worker slots running the bundle), optionally
 * restored from a savepoint, that hands over the JobMaster; the JobClient settles as LocalExecutor's
 * does (the cluster closes when the job ends; a job that did not finish rejects the result).
 */
class MasterKeepingExecutor implements PipelineExecutor {
  constructor(
    private readonly bundlePath: string,
    private readonly programArgs: string[],
    private readonly options: LocalJobOptions,
    private readonly onMaster: (started: { master: JobMaster; at: number }) => void,
  ) {}

  async execute(pipeline: Pipeline): Promise<JobClient> {
    const { jobGraph } = pipeline;
    const cluster = new MiniCluster({
      numberOfSlots: planSlotSharing(jobGraph.vertices).slotsNeeded,
      slotMode: 'worker',
      providedModules: providedModuleUrls(),
    });
    await cluster.start();
    const jobId = JobId.generate();
    const at = wallClockMillis();
    let master: JobMaster;
    try {
      master = await cluster.submitJob(
        {
          jobId,
          jobName: jobGraph.jobName,
          graphHash: jobGraph.graphHash,
          code: { kind: 'bundle', path: this.bundlePath, programArgs: this.programArgs },
          defaultParallelism: 1,
          configuration: {},
        },
        pipeline,
        this.options.savepoint === undefined ? {} : { savepoint: this.options.savepoint },
      );
    } catch (error) {
      await cluster.close();
      throw error;
    }
    this.onMaster({ master, at });
    const result = master.result.then(async (r) => {
      await cluster.close();
      if (r.status !== 'FINISHED') throw r.failure ?? new Error(`job ${jobId} ended ${r.status}`);
      return { jobId, jobName: jobGraph.jobName, netRuntime: r.netRuntime };
    });
    return masterJobClient(jobId, master, result);
  }
}
