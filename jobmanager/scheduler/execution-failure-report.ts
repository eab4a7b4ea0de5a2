/** How a failed execution is named and reported in the job's failure history (helpers of the JobMaster). */
import type { JobGraph } from '../../api/graph/job-graph.js';
import type { AllocatedSlot } from '../resourcemanager/slot-pool.js';
import type { Execution } from './execution-graph.js';
import type { FailureReport } from './failure-history.js';

/** Flink style: "Map -> Filter (1/2)". */
export function taskNameOf(jobGraph: JobGraph, execution: Execution): string {
  const vertex = jobGraph.vertices.find((v) => v.id === execution.vertexId)!;
  return `${vertex.name} (${execution.subtask + 1}/${vertex.parallelism})`;
}

/** The failure of a task, with the TaskManager it ran on when known. */
export function failureReportOf(
  taskName: string,
  cause: Error,
  slot: AllocatedSlot | undefined,
  timestamp: number,
): FailureReport {
  const report = { timestamp, error: cause, taskName };
  if (slot === undefined) return report;
  const address = slot.dataAddress;
  return address === undefined
    ? { ...report, taskManagerId: slot.taskManagerId }
    : { ...report, taskManagerId: slot.taskManagerId, location: `${address.host}:${address.port}` };
}
