/**
 * A running job's checkpoint statistics and settings for REST, read from its CheckpointCoordinator
 * (statistics and coordinator settings) and its configuration (state backend), the way Flink's
 * handlers read the ExecutionGraph's checkpoint stats and JobCheckpointingSettings.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { StateBackendOptions, type StateBackendType } from '../../common/config/config-options.js';
import { Configuration } from '../../common/config/configuration.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import type { CheckpointCoordinatorConfiguration } from '../checkpoint/checkpoint-coordinator-configuration.js';
import type { CheckpointStatsSnapshot } from '../checkpoint/checkpoint-stats-tracker.js';
import type { JobCheckpoints } from './rest-backend.js';

/** What REST reads of a CheckpointCoordinator. */
export interface CheckpointCoordinatorView {
  readonly configuration: CheckpointCoordinatorConfiguration;
  checkpointStats(): CheckpointStatsSnapshot;
}

const STATE_BACKEND_KEYS: ReadonlySet<string> = new Set([
  StateBackendOptions.STATE_BACKEND.key,
  ...StateBackendOptions.STATE_BACKEND.fallbackKeys,
]);

/**
 * Completed checkpoints are never deleted when a job ends (only when subsumed), so they are
 * externalized and kept on cancellation: Flink's RETAIN_ON_CANCELLATION.
 */
const EXTERNALIZATION = { enabled: true, deleteOnCancellation: false } as const;

export function jobCheckpoints(
  job: Pick<JobInformation, 'configuration'>,
  jobGraph: Pick<JobGraph, 'config'>,
  coordinator: CheckpointCoordinatorView,
): JobCheckpoints {
  return {
    stats: coordinator.checkpointStats(),
    config: {
      ...coordinator.configuration,
      stateBackend: jobStateBackend(job, jobGraph),
      externalization: EXTERNALIZATION,
    },
  };
}

/**
 * The job's `state.backend.type`: the submitted configuration overlaid by the program's own keys
 * (the program wins, as in Flink). Only that key is parsed, so other keys cannot fail the request.
 */
function jobStateBackend(
  job: Pick<JobInformation, 'configuration'>,
  jobGraph: Pick<JobGraph, 'config'>,
): StateBackendType {
  const configuration = new Configuration();
  for (const layer of [job.configuration, jobGraph.config.configuration]) {
    for (const [key, value] of Object.entries(layer)) {
      if (STATE_BACKEND_KEYS.has(key.trim())) configuration.setRaw(key, value, 'job configuration');
    }
  }
  return configuration.get(StateBackendOptions.STATE_BACKEND);
}
