/**
 * At submission, the stateful operators of a job that have no `uid(...)`: their state is matched
 * by operator IDs generated from the graph's shape, which change when the job changes, so a
 * savepoint may no longer restore into the next version. Flink advises a uid on every stateful
 * operator; the JobManager warns once per submitted job.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import type { Logger } from '../../common/logging/logger.js';

/** Keyed operators, sources (their read positions) and sinks (their pending commits) without a uid. */
export function statefulOperatorsWithoutUid(jobGraph: JobGraph): string[] {
  const names: string[] = [];
  for (const vertex of jobGraph.vertices) {
    for (const op of vertex.operators) {
      if (op.uid !== undefined) continue;
      if (op.keyed || op.kind === 'source' || op.kind === 'sink') names.push(op.name);
    }
  }
  return names;
}

export function warnAboutMissingUids(jobGraph: JobGraph, jobId: string, logger: Logger | undefined): void {
  const names = statefulOperatorsWithoutUid(jobGraph);
  if (names.length === 0 || logger === undefined) return;
  logger.warn(
    { jobId, operators: names },
    `job ${jobId}: stateful operators without uid(...): ${names.join(', ')}; their state is matched by ` +
      'generated IDs that change with the job graph, so set a uid on each to keep restoring from savepoints',
  );
}
