/**
 * The latest I/O counters of every subtask attempt (from TaskManager heartbeats while it runs,
 * and the final ones with its terminal state), summed per vertex for the REST job view — the
 * role Flink's MetricFetcher and MetricStore play for `/jobs/:jobid`.
 */
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import type { TaskIoMetrics, TaskMetricsReport } from '../../common/protocol/gateways.js';

export interface VertexIoTotals extends TaskIoMetrics {
  /** True when every subtask attempt of the vertex has reported. */
  readonly complete: boolean;
}

interface Entry {
  readonly metrics: TaskIoMetrics;
  readonly final: boolean;
}

export class TaskMetricsStore {
  private readonly jobs = new Map<JobId, Map<ExecutionAttemptId, Entry>>();

  /** Counters of running attempts; never overwrite an attempt's final counters. */
  onHeartbeatReports(reports: readonly TaskMetricsReport[]): void {
    for (const { jobId, executionAttemptId, recordsIn, recordsOut, bytesIn, bytesOut } of reports) {
      const attempts = this.attemptsOf(jobId);
      if (attempts.get(executionAttemptId)?.final === true) continue;
      attempts.set(executionAttemptId, {
        metrics: { recordsIn, recordsOut, bytesIn, bytesOut },
        final: false,
      });
    }
  }

  onFinalMetrics(jobId: JobId, attempt: ExecutionAttemptId, metrics: TaskIoMetrics): void {
    this.attemptsOf(jobId).set(attempt, { metrics, final: true });
  }

  /** Sums the counters of the given attempts (the current attempts of one vertex). */
  totals(jobId: JobId, attempts: readonly ExecutionAttemptId[]): VertexIoTotals {
    const known = this.jobs.get(jobId);
    let recordsIn = 0;
    let recordsOut = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let reported = 0;
    for (const attempt of attempts) {
      const entry = known?.get(attempt);
      if (entry === undefined) continue;
      reported++;
      recordsIn += entry.metrics.recordsIn;
      recordsOut += entry.metrics.recordsOut;
      bytesIn += entry.metrics.bytesIn;
      bytesOut += entry.metrics.bytesOut;
    }
    return { recordsIn, recordsOut, bytesIn, bytesOut, complete: reported === attempts.length };
  }

  forgetJob(jobId: JobId): void {
    this.jobs.delete(jobId);
  }

  private attemptsOf(jobId: JobId): Map<ExecutionAttemptId, Entry> {
    let attempts = this.jobs.get(jobId);
    if (attempts === undefined) {
      attempts = new Map();
      this.jobs.set(jobId, attempts);
    }
    return attempts;
  }
}
