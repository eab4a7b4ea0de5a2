/**
 * Writing and reading `_metadata` through a CheckpointStorage: encoding relative to the location
 * (so savepoints stay self-contained) and decoding relative to wherever the file is read from.
 */
import type { CheckpointMetadata } from './checkpoint-metadata.js';
import { displayPath } from './checkpoint-path.js';
import { decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint-metadata-serializer.js';
import type { CheckpointStorage, CheckpointStorageLocation } from './checkpoint-storage.js';

/** Encodes and writes `_metadata` last; resolves to the external pointer (the directory URI). */
export function writeCheckpointMetadata(
  storage: CheckpointStorage,
  location: CheckpointStorageLocation,
  metadata: CheckpointMetadata,
): Promise<string> {
  return storage.writeMetadata(location, encodeCheckpointMetadata(metadata, location.directory));
}

/** A checkpoint or savepoint read back from its pointer (directory or `_metadata` path). */
export interface LoadedCheckpoint {
  readonly location: CheckpointStorageLocation;
  readonly metadata: CheckpointMetadata;
}

export async function loadCheckpointMetadata(
  storage: CheckpointStorage,
  pointer: string,
): Promise<LoadedCheckpoint> {
  const location = storage.resolveLocation(pointer);
  const bytes = await storage.readMetadata(pointer);
  const metadata = decodeCheckpointMetadata(bytes, {
    checkpointDirectory: location.directory,
    source: displayPath(location.metadataPath),
  });
  return { location, metadata };
}
