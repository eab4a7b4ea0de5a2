/**
 * Deletes a savepoint (Flink's `Checkpoints.disposeSavepoint`, behind `POST /savepoint-disposal`
 * and `freshet savepoint --dispose`). Its `_metadata` is read and decoded first, so a directory
 * that is not a completed checkpoint or savepoint is never deleted: without `_metadata` the
 * disposal fails with CheckpointMetadataNotFoundError, with a corrupt one with
 * CorruptCheckpointMetadataError, and nothing is touched. Then the whole directory goes.
 */
import type {
  CheckpointStorage,
  CheckpointStorageLocation,
} from '../../common/checkpoint/checkpoint-storage.js';
import { loadCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import type { SavepointDisposal } from './rest-backend.js';

/**
 * Starts disposing the savepoint at `path` (its directory or `_metadata`) with `storage`, which it
 * closes when done. A path no storage understands (a bad scheme) is refused here, before anything
 * starts (so the request gets the 400); everything else is `completion`'s business.
 */
export async function disposeSavepoint(storage: CheckpointStorage, path: string): Promise<SavepointDisposal> {
  let location: CheckpointStorageLocation;
  try {
    location = storage.resolveLocation(path);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const work = async (): Promise<void> => {
    await loadCheckpointMetadata(storage, path);
    await storage.discardLocation(location);
  };
  return { completion: closeAfter(storage, work()) };
}

/** Settles as `work` does, once `storage` is closed; a failing close fails only a disposal that succeeded. */
async function closeAfter(storage: CheckpointStorage, work: Promise<void>): Promise<void> {
  let failure: { readonly error: unknown } | undefined;
  try {
    await work;
  } catch (error) {
    failure = { error };
  }
  if (failure === undefined) {
    await storage.close();
    return;
  }
  await storage.close().catch(() => undefined); // the disposal's own failure is the one to report
  throw failure.error;
}
