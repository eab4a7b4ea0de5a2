/**
 * The completed checkpoint store of a job under high availability: as the default store, and every
 * newly added checkpoint's pointer is written to the HA directory before the checkpoint counts as
 * completed (before the tasks are told to commit).
 */
import type { JobId } from '../../common/ids.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import { DefaultCompletedCheckpointStore } from '../checkpoint/completed-checkpoint-store.js';
import type { FileSystemHaServices } from './file-system-ha-services.js';

export class HaCompletedCheckpointStore extends DefaultCompletedCheckpointStore {
  constructor(
    maxRetained: number,
    recovered: readonly CompletedCheckpoint[],
    private readonly ha: FileSystemHaServices,
    private readonly jobId: JobId,
  ) {
    super(maxRetained, recovered);
  }

  override addCheckpointAndSubsumeOldestOne(checkpoint: CompletedCheckpoint): CompletedCheckpoint[] {
    this.ha.writeLatestCheckpoint(this.jobId, checkpoint.externalPointer);
    return super.addCheckpointAndSubsumeOldestOne(checkpoint);
  }
}
