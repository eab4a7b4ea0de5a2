/**
 * One Nexmark job on the embedded runtime, the `freshet run` path: the program's main runs with an
 * executor that starts a MiniCluster sized to the job (slot worker threads rebuilding the job from
 * its bundle) and submits it with the given configuration. Timed from submission to FINISHED, with
 * the process CPU time (every thread) over the same interval and the end of processing before the
 * final checkpoint (see cpu-activity.ts).
 */
import {
  setExecutionContext,
  type Pipeline,
  type PipelineExecutor,
} from '../../../api/environment/execution-context.js';
import type { JobClient, JobExecutionResult } from '../../../api/environment/job-client.js';
import { MiniCluster } from '../../../cli/local/mini-cluster.js';
import { providedModuleUrls, type JobProgram } from '../../../cli/program/job-program.js';
import { JobId } from '../../../common/ids.js';
import { planSlotSharing } from '../../../jobmanager/scheduler/slot-sharing-placement.js';
import { masterJobClient } from '../../../cli/local/local-executor.js';
import { CpuSampler, epochMillis, lastBusyMoment } from './cpu-activity.js';

const SAMPLE_MS = 100;

export interface LocalRunSettings {
  readonly program: JobProgram;
  readonly programArgs: readonly string[];
  /** The job's configuration, as `freshet run -D` would give it. */
  readonly configuration: Readonly<Record<string, string>>;
  readonly parallelism: number;
}

export interface LocalRunTiming {
  /** Submission → FINISHED, s. */
  readonly wallSeconds: number;
  /** Submission → end of processing (the last busy moment before the final checkpoint), s. */
  readonly processingSeconds: number;
  /** Process CPU time over submission → FINISHED, s. */
  readonly cpuSeconds: number;
  readonly checkpoints: number;
}

/** Runs the program's job to its end; throws when it did not finish (the job's failure as cause). */
export async function runOnLocalCluster(settings: LocalRunSettings): Promise<LocalRunTiming> {
  const executor = new MeasuringExecutor(settings);
  setExecutionContext({
    mode: 'execute',
    executor,
    defaultParallelism: settings.parallelism,
    configuration: settings.configuration,
  });
  try {
    await settings.program.main([...settings.programArgs]);
  } finally {
    setExecutionContext(undefined);
  }
  if (executor.timing === undefined) throw new Error('the program ended without running a job');
  return executor.timing;
}

class MeasuringExecutor implements PipelineExecutor {
  timing: LocalRunTiming | undefined;

  constructor(private readonly settings: LocalRunSettings) {}

  async execute(pipeline: Pipeline): Promise<JobClient> {
    const { jobGraph } = pipeline;
    const cluster = new MiniCluster({
      numberOfSlots: planSlotSharing(jobGraph.vertices).slotsNeeded,
      slotMode: 'worker',
      providedModules: providedModuleUrls(),
    });
    await cluster.start();
    const jobId = JobId.generate();
    const sampler = new CpuSampler(SAMPLE_MS);
    sampler.start();
    const submittedAt = epochMillis();
    const cpuBefore = process.cpuUsage();
    let master;
    try {
      master = await cluster.submitJob(
        {
          jobId,
          jobName: jobGraph.jobName,
          graphHash: jobGraph.graphHash,
          code: {
            kind: 'bundle',
            path: this.settings.program.bundlePath,
            programArgs: [...this.settings.programArgs],
          },
          defaultParallelism: this.settings.parallelism,
          configuration: { ...this.settings.configuration },
        },
        pipeline,
      );
    } catch (error) {
      sampler.stop();
      await cluster.close();
      throw error;
    }
    const submitted = master;
    const result: Promise<JobExecutionResult> = submitted.result.then(async (r) => {
      const finishedAt = epochMillis();
      const cpu = process.cpuUsage(cpuBefore);
      const samples = sampler.stop();
      const stats = submitted.checkpointCoordinator.checkpointStats();
      await cluster.close();
      if (r.status !== 'FINISHED') {
        throw new Error(
          `job '${jobGraph.jobName}' ended ${r.status}: ${r.failure?.message ?? 'no cause given'}`,
          {
            cause: r.failure,
          },
        );
      }
      const finalCheckpoint = stats.latest.completed;
      const busyUntil = lastBusyMoment(samples, finalCheckpoint?.triggerTimestamp);
      const wallSeconds = (finishedAt - submittedAt) / 1000;
      this.timing = {
        wallSeconds,
        processingSeconds:
          busyUntil === undefined || busyUntil <= submittedAt
            ? wallSeconds
            : Math.min(wallSeconds, (busyUntil - submittedAt) / 1000),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        checkpoints: stats.counts.completed,
      };
      return { jobId, jobName: jobGraph.jobName, netRuntime: r.netRuntime };
    });
    return masterJobClient(jobId, submitted, result);
  }
}
