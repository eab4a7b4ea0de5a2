/** A vertex's I/O counters for REST (Flink's IOMetricsInfo), summed over its current attempts. */
import type { JobId } from '../../common/ids.js';
import type { Dispatcher } from '../dispatcher/dispatcher.js';
import type { TaskMetricsStore } from '../dispatcher/task-metrics-store.js';
import type { VertexIoMetrics } from '../rest/rest-backend.js';

export function vertexMetricsOf(
  dispatcher: Pick<Dispatcher, 'listJobs'>,
  store: TaskMetricsStore,
  jobId: JobId,
  vertexId: string,
): VertexIoMetrics | undefined {
  const master = dispatcher.listJobs().find((m) => m.jobId === jobId);
  if (master === undefined) return undefined;
  const attempts = master.executionGraph
    .all()
    .filter((execution) => execution.vertexId === vertexId)
    .map((execution) => execution.attemptId);
  const totals = store.totals(jobId, attempts);
  return {
    readRecords: totals.recordsIn,
    readRecordsComplete: totals.complete,
    writeRecords: totals.recordsOut,
    writeRecordsComplete: totals.complete,
    readBytes: totals.bytesIn,
    readBytesComplete: totals.complete,
    writeBytes: totals.bytesOut,
    writeBytesComplete: totals.complete,
  };
}
