/**
 * When did a bounded job stop working? With checkpoints on, a bounded job's tasks wait after their
 * input ended for the job's final checkpoint (the next periodic one, up to a whole interval later)
 * before the job is FINISHED. Over a run of a few seconds that idle wait would dominate the wall
 * time, so the benchmark samples this process's CPU time (every thread: JobManager, TaskManager and
 * slot workers) and takes the end of the last busy sample interval before the final checkpoint was
 * triggered as the end of processing.
 */

/** Epoch ms (sub-ms) and this process's cumulative CPU time then, µs. */
export interface CpuSample {
  readonly at: number;
  readonly cpuMicros: number;
}

/** An interval counts as busy from this many cores on (an idle cluster uses a few hundredths). */
export const BUSY_CORES = 0.25;

export function epochMillis(): number {
  return performance.timeOrigin + performance.now();
}

export function cpuMicrosNow(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * The end of the last interval between consecutive samples, ending no later than `before` (when
 * given), in which the process used at least `busyCores` cores; undefined when there is none.
 */
export function lastBusyMoment(
  samples: readonly CpuSample[],
  before: number | undefined,
  busyCores: number = BUSY_CORES,
): number | undefined {
  for (let i = samples.length - 1; i > 0; i--) {
    const end = samples[i]!;
    const start = samples[i - 1]!;
    if (before !== undefined && end.at > before) continue;
    const elapsedMicros = (end.at - start.at) * 1000;
    if (elapsedMicros <= 0) continue;
    if ((end.cpuMicros - start.cpuMicros) / elapsedMicros >= busyCores) return end.at;
  }
  return undefined;
}

/** Samples the process's CPU time on a timer until stopped. */
export class CpuSampler {
  private readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Takes a last sample and returns them all, oldest first. */
  stop(): CpuSample[] {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return [...this.samples];
  }

  private sample(): void {
    this.samples.push({ at: epochMillis(), cpuMicros: cpuMicrosNow() });
  }
}
