/**
 * The CheckpointStorage the runtime uses: it sends each call to FileSystemCheckpointStorage or
 * S3CheckpointStorage by the scheme of the path involved (the checkpoints directory, a savepoint
 * target, a location, a handle, a pointer), so checkpoints on one storage and savepoints or restores
 * on another work side by side. Backends are created on first use; a scheme other than `file` or
 * `s3` is an IllegalConfigurationError naming it.
 */
import type { JobId } from '../ids.js';
import { parseCheckpointPath } from './checkpoint-path.js';
import type {
  CheckpointDirectoryEntry,
  CheckpointStorage,
  CheckpointStorageLocation,
  StateFileHandle,
} from './checkpoint-storage.js';
import { FileSystemCheckpointStorage } from './file-system-checkpoint-storage.js';
import { S3CheckpointStorage, type S3CheckpointStorageOptions } from './s3-checkpoint-storage.js';

export interface CheckpointStorageOptions {
  /** `state.checkpoints.dir`. */
  readonly checkpointsDirectory?: string;
  /** `state.savepoints.dir`. */
  readonly savepointsDirectory?: string;
  /** Connection and upload options for `s3://` paths. */
  readonly s3?: Omit<S3CheckpointStorageOptions, 'checkpointsDirectory' | 'savepointsDirectory'>;
}

type Scheme = 'file' | 's3';

export class CheckpointStorageRouter implements CheckpointStorage {
  private readonly checkpointsScheme: Scheme | undefined;
  private readonly savepointsScheme: Scheme | undefined;
  private readonly backends = new Map<Scheme, CheckpointStorage>();

  constructor(private readonly options: CheckpointStorageOptions = {}) {
    // Parse both now, so a bad directory fails at startup rather than at the first checkpoint.
    this.checkpointsScheme = schemeOfOptional(options.checkpointsDirectory, 'state.checkpoints.dir');
    this.savepointsScheme = schemeOfOptional(options.savepointsDirectory, 'state.savepoints.dir');
  }

  initializeLocation(jobId: JobId, checkpointId: number): Promise<CheckpointStorageLocation> {
    return this.backend(this.checkpointsScheme ?? 'file').initializeLocation(jobId, checkpointId);
  }

  initializeSavepointLocation(
    targetDirectory: string | undefined,
    jobId: JobId,
  ): Promise<CheckpointStorageLocation> {
    const scheme =
      targetDirectory === undefined
        ? (this.savepointsScheme ?? 'file')
        : schemeOf(targetDirectory, 'savepoint target directory');
    return this.backend(scheme).initializeSavepointLocation(targetDirectory, jobId);
  }

  resolveLocation(pointer: string): CheckpointStorageLocation {
    return this.backendFor(pointer, 'checkpoint pointer').resolveLocation(pointer);
  }

  writeStateFile(
    location: CheckpointStorageLocation,
    name: string,
    bytes: Uint8Array,
  ): Promise<StateFileHandle> {
    return this.backendFor(location.directory).writeStateFile(location, name, bytes);
  }

  readStateFile(handle: StateFileHandle): Promise<Uint8Array> {
    return this.backendFor(handle.path).readStateFile(handle);
  }

  readStateFileRange(handle: StateFileHandle, offset: number, length: number): Promise<Uint8Array> {
    return this.backendFor(handle.path).readStateFileRange(handle, offset, length);
  }

  discardStateFile(handle: StateFileHandle): Promise<void> {
    return this.backendFor(handle.path).discardStateFile(handle);
  }

  writeMetadata(location: CheckpointStorageLocation, metadata: Uint8Array): Promise<string> {
    return this.backendFor(location.directory).writeMetadata(location, metadata);
  }

  readMetadata(pointer: string): Promise<Uint8Array> {
    return this.backendFor(pointer, 'checkpoint pointer').readMetadata(pointer);
  }

  discardLocation(location: CheckpointStorageLocation): Promise<void> {
    return this.backendFor(location.directory).discardLocation(location);
  }

  listCheckpoints(jobId: JobId): Promise<CheckpointDirectoryEntry[]> {
    if (this.checkpointsScheme === undefined) return Promise.resolve([]);
    return this.backend(this.checkpointsScheme).listCheckpoints(jobId);
  }

  async close(): Promise<void> {
    const backends = [...this.backends.values()];
    this.backends.clear();
    await Promise.all(backends.map((backend) => backend.close()));
  }

  private backendFor(uri: string, what?: string): CheckpointStorage {
    return this.backend(schemeOf(uri, what));
  }

  private backend(scheme: Scheme): CheckpointStorage {
    let backend = this.backends.get(scheme);
    if (backend === undefined) {
      backend = this.createBackend(scheme);
      this.backends.set(scheme, backend);
    }
    return backend;
  }

  private createBackend(scheme: Scheme): CheckpointStorage {
    const { checkpointsDirectory, savepointsDirectory } = this.options;
    const directories = {
      ...(checkpointsDirectory !== undefined && this.checkpointsScheme === scheme
        ? { checkpointsDirectory }
        : {}),
      ...(savepointsDirectory !== undefined && this.savepointsScheme === scheme
        ? { savepointsDirectory }
        : {}),
    };
    switch (scheme) {
      case 'file':
        return new FileSystemCheckpointStorage(directories);
      case 's3':
        return new S3CheckpointStorage({ ...this.options.s3, ...directories });
    }
  }
}

function schemeOf(uri: string, what?: string): Scheme {
  return parseCheckpointPath(uri, what).scheme;
}

function schemeOfOptional(uri: string | undefined, what: string): Scheme | undefined {
  return uri === undefined ? undefined : schemeOf(uri, what);
}
