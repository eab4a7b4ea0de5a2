/**
 * The embedded side of the state benchmark: runs a bench job file like bench-runner's runJob
 * (bundle → MiniCluster with worker slots, the `freshet run` path) but keeps the JobMaster, so the
 * benchmark can take a savepoint of an unbounded job, cancel it, and submit the job again restored
 * from that savepoint. The job is bundled once (`load`) so that bundling stays out of the timings.
 */
import { LocalJobHandle, miniClusterJobClient } from './local-job-handle.js';
import {
  setExecutionContext,
  type Pipeline,
  type PipelineExecutor,
} from '../../../api/environment/execution-context.js';
import type { JobClient } from '../../../api/environment/job-client.js';
import { MiniCluster } from '../../../cli/local/mini-cluster.js';
import { loadJobProgram, providedModuleUrls, type JobProgram } from '../../../cli/program/job-program.js';
import { JobId } from '../../../common/ids.js';
import type { SavepointRestoreSettings } from '../../../jobmanager/checkpoint/savepoint-restore.js';
import type { JobMaster } from '../../../jobmanager/scheduler/job-master.js';
import { planSlotSharing } from '../../../jobmanager/scheduler/slot-sharing-placement.js';
import { benchJobPath } from '../bench-runner.js';
import { wallClockMillis } from './network-records.js';

export interface StateJobOptions {
  /** Start from this savepoint instead of empty state. */
  readonly savepoint?: SavepointRestoreSettings;
}

export class StateLocalJob extends LocalJobHandle {
  private constructor(
    master: JobMaster,
    /** Wall-clock ms (epoch, sub-ms) right before the job was submitted to the cluster. */
    readonly submittedAt: number,
    program: Promise<void>,
  ) {
    super(master, program);
  }

  /** Bundles a bench job file and loads its program. */
  static load(jobName: string): Promise<JobProgram> {
    return loadJobProgram(benchJobPath(jobName));
  }

  /** Starts the job and resolves once its JobMaster exists (the job is being deployed). */
  static async start(
    program: JobProgram,
    args: readonly string[],
    options: StateJobOptions = {},
  ): Promise<StateLocalJob> {
    let submitted!: (started: { master: JobMaster; at: number }) => void;
    const master = new Promise<{ master: JobMaster; at: number }>((resolve) => (submitted = resolve));
    const executor = new RestoringExecutor(program.bundlePath, [...args], options, submitted);
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
    return new StateLocalJob(started.master, started.at, main);
  }
}

/**
 * LocalExecutor's job (a MiniCluster sized to the job, worker slots running the bundle), optionally
 * restored from a savepoint, that hands over the JobMaster; the JobClient settles as LocalExecutor's does.
 */
class RestoringExecutor implements PipelineExecutor {
  constructor(
    private readonly bundlePath: string,
    private readonly programArgs: string[],
    private readonly options: StateJobOptions,
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
    return miniClusterJobClient(master, jobId, jobGraph.jobName, cluster);
  }
}
