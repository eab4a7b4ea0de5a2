/**
 * The embedded side of the checkpoint benchmark: runs a bench job file like bench-runner's runJob
 * (bundle → MiniCluster with worker slots, the `freshet run` path) but keeps the JobMaster, so the
 * benchmark can sample its CheckpointCoordinator's statistics while the job runs (the history
 * holds only the newest 10 entries, so it is sampled every 50 ms) and cancel an unbounded job.
 */
import { loadJobProgram } from '../../../cli/program/job-program.js';
import type { JobMaster } from '../../../jobmanager/scheduler/job-master.js';
import { benchJobPath } from '../bench-runner.js';
import { LocalJobHandle, startLocalJob } from './local-job-handle.js';

const SAMPLE_MS = 50;

/** One completed checkpoint as the JobManager's statistics report it. */
export interface CompletedCheckpointSample {
  readonly id: number;
  readonly triggerTimestamp: number;
  /** Trigger to completion (all acknowledgements and `_metadata` written), ms. */
  readonly durationMs: number;
  readonly stateSize: number;
}

export class LocalCheckpointedJob extends LocalJobHandle {
  private readonly samples = new Map<number, CompletedCheckpointSample>();
  private readonly sampler: NodeJS.Timeout;
  private failedCount = 0;

  private constructor(master: JobMaster, program: Promise<void>) {
    super(master, program);
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
    void master.result.then(() => {
      this.sample();
      clearInterval(this.sampler);
    });
  }

  /** Starts the job and resolves once its JobMaster exists (the job is being deployed). */
  static async start(jobName: string, args: readonly string[]): Promise<LocalCheckpointedJob> {
    const started = await startLocalJob(await loadJobProgram(benchJobPath(jobName)), args);
    return new LocalCheckpointedJob(started.master, started.program);
  }

  /** Completed checkpoints seen so far, oldest first. */
  completed(): CompletedCheckpointSample[] {
    this.sample();
    return [...this.samples.values()].sort((a, b) => a.id - b.id);
  }

  /** Barrier alignment durations (ms) the job's tasks reported, over every recent checkpoint. */
  alignmentDurations(): number[] {
    return this.master.checkpointAlignmentDurations().flatMap((c) => [...c.durationsMs]);
  }

  /** Failed checkpoints so far. */
  get failed(): number {
    return this.failedCount;
  }

  /** Waits until `condition` holds for the completed checkpoints; fails if the job ends first. */
  async waitForCompleted(
    condition: (completed: readonly CompletedCheckpointSample[]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!condition(this.completed())) {
      if (this.master.status !== 'RUNNING')
        throw new Error(`the job is ${this.master.status} before ${what}`);
      if (performance.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  }

  private sample(): void {
    const stats = this.master.checkpointCoordinator?.checkpointStats();
    if (stats === undefined) return;
    this.failedCount = stats.counts.failed;
    for (const entry of stats.history) {
      if (entry.status !== 'COMPLETED' || entry.isSavepoint) continue;
      this.samples.set(entry.checkpointId, {
        id: entry.checkpointId,
        triggerTimestamp: entry.triggerTimestamp,
        durationMs: entry.endToEndDuration,
        stateSize: entry.stateSize,
      });
    }
  }
}
