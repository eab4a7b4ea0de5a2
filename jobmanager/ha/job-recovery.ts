/**
 * What a JobManager does at start under high availability (Flink's job recovery in the
 * Dispatcher): every job a previous JobManager left running is submitted again with its stored
 * graph and bundle, resuming from the latest completed checkpoint its pointer names. A job whose
 * checkpoint cannot be read is not started over from scratch: the error is logged and the job
 * stays in the HA directory.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { loadCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import { CheckpointStorageFactory } from '../../common/checkpoint/checkpoint-storage-factory.js';
import type { Configuration } from '../../common/config/configuration.js';
import { toError } from '../../common/errors/freshet-error.js';
import type { Logger } from '../../common/logging/logger.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import { completedCheckpointFromStored } from '../checkpoint/storage-coordinator-view.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import type { Dispatcher } from '../dispatcher/dispatcher.js';
import type { JobBundleStore } from '../dispatcher/job-bundle-store.js';
import { effectiveJobConfiguration } from '../scheduler/job-checkpointing.js';
import type { FileSystemHaServices } from './file-system-ha-services.js';

export async function recoverJobs(
  ha: FileSystemHaServices,
  dispatcher: Dispatcher,
  bundles: JobBundleStore,
  configuration: Configuration,
  logger: Logger,
): Promise<void> {
  for (const { job, jobGraph, latestCheckpoint } of ha.recoverJobs()) {
    try {
      const recoveredJob = withLocalBundle(job, bundles);
      const checkpoint =
        latestCheckpoint === undefined
          ? undefined
          : await loadCheckpoint(configuration, recoveredJob, jobGraph, latestCheckpoint);
      await dispatcher.recoverJob(recoveredJob, jobGraph, { checkpoint });
      logger.info(
        { jobId: job.jobId, checkpoint: latestCheckpoint },
        `recovered job ${job.jobId} (${job.jobName}) ${
          checkpoint === undefined ? 'without a checkpoint' : `from checkpoint ${checkpoint.checkpointId}`
        }`,
      );
    } catch (error) {
      logger.error({ jobId: job.jobId, err: toError(error) }, `job ${job.jobId} could not be recovered`);
    }
  }
}

/** The bundle now lives in the HA directory's bundle store. */
function withLocalBundle(job: JobInformation, bundles: JobBundleStore): JobInformation {
  const code = job.code;
  if (code.kind !== 'bundle' || code.bundleId === undefined) return job;
  return { ...job, code: { ...code, path: bundles.path(code.bundleId) } };
}

async function loadCheckpoint(
  cluster: Configuration,
  job: JobInformation,
  jobGraph: JobGraph,
  pointer: string,
): Promise<CompletedCheckpoint> {
  const storage = CheckpointStorageFactory.fromConfiguration(
    effectiveJobConfiguration(cluster, job, jobGraph),
  );
  try {
    const { location, metadata } = await loadCheckpointMetadata(storage, pointer);
    return completedCheckpointFromStored(metadata, location.directory, pointer);
  } finally {
    await storage.close();
  }
}
