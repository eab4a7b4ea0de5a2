/**
 * The embedded side of the state benchmark: a bench job that keeps its JobMaster, so the benchmark
 * can take a savepoint of an unbounded job, cancel it, and submit the job again restored from that
 * savepoint. The job is bundled once (`load`) so that bundling stays out of the timings.
 */
import type { JobProgram } from '../../../cli/program/job-program.js';
import { loadJobProgram } from '../../../cli/program/job-program.js';
import type { JobMaster } from '../../../jobmanager/scheduler/job-master.js';
import { benchJobPath } from '../bench-runner.js';
import { LocalJobHandle, startLocalJob, type LocalJobOptions } from './local-job-handle.js';

export type StateJobOptions = LocalJobOptions;

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
    const started = await startLocalJob(program, args, options);
    return new StateLocalJob(started.master, started.submittedAt, started.program);
  }
}
