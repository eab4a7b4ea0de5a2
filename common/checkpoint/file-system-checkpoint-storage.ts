/**
 * CheckpointStorage on a local (or mounted) file system (Flink's FsCheckpointStorageAccess). State
 * files are written with `wx` and fsync'd; `_metadata` is written to a temporary file, fsync'd and
 * renamed into place, then the directory is fsync'd, so it appears whole or not at all and only
 * after everything it references is durable.
 */
import { randomBytes } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import type { JobId } from '../ids.js';
import { childUri, formatCheckpointPath, parseCheckpointPath } from './checkpoint-path.js';
import {
  METADATA_FILE_NAME,
  type CheckpointDirectoryEntry,
  type CheckpointStorage,
  type CheckpointStorageLocation,
  type StateFileHandle,
} from './checkpoint-storage.js';
import {
  CheckpointMetadataNotFoundError,
  metadataAlreadyExists,
  stateFileNotFound,
  stateFileTooShort,
} from './checkpoint-storage-errors.js';
import {
  checkpointLocation,
  checkStateFileName,
  checkStateFileRange,
  locationAt,
  locationOfPointer,
  parseCheckpointDirectoryName,
  savepointDirectoryName,
} from './checkpoint-storage-location.js';
import { fileErrorCode, fileSystemStorageError } from './file-system-error.js';

export interface FileSystemCheckpointStorageOptions {
  /** `state.checkpoints.dir`: an absolute path or `file://` URI; needed for checkpoints only. */
  readonly checkpointsDirectory?: string;
  /** `state.savepoints.dir`: the default target of savepoints. */
  readonly savepointsDirectory?: string;
}

const SAVEPOINT_NAME_ATTEMPTS = 5;

export class FileSystemCheckpointStorage implements CheckpointStorage {
  private readonly checkpointsDirectory: string | undefined;
  private readonly savepointsDirectory: string | undefined;

  constructor(options: FileSystemCheckpointStorageOptions = {}) {
    this.checkpointsDirectory = optionalFileUri(options.checkpointsDirectory, 'state.checkpoints.dir');
    this.savepointsDirectory = optionalFileUri(options.savepointsDirectory, 'state.savepoints.dir');
  }

  async initializeLocation(jobId: JobId, checkpointId: number): Promise<CheckpointStorageLocation> {
    if (this.checkpointsDirectory === undefined) {
      throw new IllegalConfigurationError(
        'cannot take a checkpoint: no checkpoint directory is configured; set state.checkpoints.dir',
      );
    }
    const location = checkpointLocation(this.checkpointsDirectory, jobId, checkpointId);
    const path = toFilePath(location.directory);
    try {
      await mkdir(path, { recursive: true });
    } catch (error) {
      throw fileSystemStorageError('creating checkpoint directory', path, error);
    }
    return location;
  }

  async initializeSavepointLocation(
    targetDirectory: string | undefined,
    jobId: JobId,
  ): Promise<CheckpointStorageLocation> {
    const target =
      targetDirectory === undefined
        ? this.savepointsDirectory
        : fileUri(targetDirectory, 'savepoint target directory');
    if (target === undefined) {
      throw new IllegalConfigurationError(
        'cannot take a savepoint: no target directory was given and state.savepoints.dir is not set; ' +
          'pass a directory or set state.savepoints.dir',
      );
    }
    const parent = toFilePath(target);
    try {
      await mkdir(parent, { recursive: true });
    } catch (error) {
      throw fileSystemStorageError('creating savepoint target directory', parent, error);
    }
    // A fresh name per savepoint; mkdir without `recursive` fails rather than reuse an existing one.
    for (let attempt = 1; ; attempt++) {
      const location = locationAt(childUri(target, savepointDirectoryName(jobId)));
      const path = toFilePath(location.directory);
      try {
        await mkdir(path);
        return location;
      } catch (error) {
        if (fileErrorCode(error) !== 'EEXIST' || attempt >= SAVEPOINT_NAME_ATTEMPTS) {
          throw fileSystemStorageError('creating savepoint directory', path, error);
        }
      }
    }
  }

  resolveLocation(pointer: string): CheckpointStorageLocation {
    const location = locationOfPointer(pointer);
    toFilePath(location.directory);
    return location;
  }

  async writeStateFile(
    location: CheckpointStorageLocation,
    name: string,
    bytes: Uint8Array,
  ): Promise<StateFileHandle> {
    checkStateFileName(name);
    const uri = childUri(location.directory, name);
    const path = toFilePath(uri);
    try {
      await writeDurably(path, bytes);
    } catch (error) {
      throw fileSystemStorageError('writing state file', path, error);
    }
    return { path: uri, size: bytes.byteLength };
  }

  async readStateFile(handle: StateFileHandle): Promise<Uint8Array> {
    const path = toFilePath(handle.path);
    try {
      return await readFile(path);
    } catch (error) {
      if (fileErrorCode(error) === 'ENOENT') throw stateFileNotFound(path, error);
      throw fileSystemStorageError('reading state file', path, error);
    }
  }

  async readStateFileRange(handle: StateFileHandle, offset: number, length: number): Promise<Uint8Array> {
    checkStateFileRange(offset, length);
    const path = toFilePath(handle.path);
    const buffer = Buffer.alloc(length);
    let filled = 0;
    try {
      const file = await open(path, 'r');
      try {
        while (filled < length) {
          const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
      } finally {
        await file.close();
      }
    } catch (error) {
      if (fileErrorCode(error) === 'ENOENT') throw stateFileNotFound(path, error);
      throw fileSystemStorageError('reading state file', path, error);
    }
    if (filled < length) throw stateFileTooShort(path, offset, length, filled);
    return buffer;
  }

  async discardStateFile(handle: StateFileHandle): Promise<void> {
    const path = toFilePath(handle.path);
    try {
      await rm(path, { force: true });
    } catch (error) {
      throw fileSystemStorageError('deleting state file', path, error);
    }
  }

  async writeMetadata(location: CheckpointStorageLocation, metadata: Uint8Array): Promise<string> {
    const directory = toFilePath(location.directory);
    const target = join(directory, METADATA_FILE_NAME);
    if (await exists(target)) throw metadataAlreadyExists(target);
    const temporary = join(directory, `.${METADATA_FILE_NAME}.inprogress-${randomBytes(6).toString('hex')}`);
    try {
      await writeDurably(temporary, metadata);
      await rename(temporary, target);
      await syncDirectory(directory);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw fileSystemStorageError('writing checkpoint metadata', target, error);
    }
    return location.directory;
  }

  async readMetadata(pointer: string): Promise<Uint8Array> {
    const path = toFilePath(this.resolveLocation(pointer).metadataPath);
    try {
      return await readFile(path);
    } catch (error) {
      const code = fileErrorCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw new CheckpointMetadataNotFoundError(path, { cause: error });
      throw fileSystemStorageError('reading checkpoint metadata', path, error);
    }
  }

  async discardLocation(location: CheckpointStorageLocation): Promise<void> {
    const path = toFilePath(location.directory);
    try {
      await rm(path, { recursive: true, force: true });
    } catch (error) {
      throw fileSystemStorageError('deleting checkpoint directory', path, error);
    }
  }

  async listCheckpoints(jobId: JobId): Promise<CheckpointDirectoryEntry[]> {
    if (this.checkpointsDirectory === undefined) return [];
    const jobDirectory = childUri(this.checkpointsDirectory, jobId);
    const jobPath = toFilePath(jobDirectory);
    let entries: Dirent[];
    try {
      entries = await readdir(jobPath, { withFileTypes: true });
    } catch (error) {
      if (fileErrorCode(error) === 'ENOENT') return [];
      throw fileSystemStorageError('listing checkpoints in', jobPath, error);
    }
    const found: CheckpointDirectoryEntry[] = [];
    for (const entry of entries) {
      const checkpointId = parseCheckpointDirectoryName(entry.name);
      if (checkpointId === undefined || !entry.isDirectory()) continue;
      const location = locationAt(childUri(jobDirectory, entry.name));
      found.push({ checkpointId, location, complete: await exists(toFilePath(location.metadataPath)) });
    }
    return found.sort((a, b) => a.checkpointId - b.checkpointId);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function optionalFileUri(value: string | undefined, what: string): string | undefined {
  return value === undefined ? undefined : fileUri(value, what);
}

function fileUri(value: string, what: string): string {
  const parsed = parseCheckpointPath(value, what);
  if (parsed.scheme !== 'file') {
    throw new IllegalConfigurationError(
      `${what} '${value}' is not on the file system; FileSystemCheckpointStorage handles file:// and absolute paths only`,
    );
  }
  return formatCheckpointPath(parsed);
}

/** The OS path of a `file://` URI (or absolute path); an IllegalConfigurationError for other schemes. */
function toFilePath(uri: string): string {
  const parsed = parseCheckpointPath(uri);
  if (parsed.scheme !== 'file') {
    throw new IllegalConfigurationError(
      `'${uri}' is not on the file system; FileSystemCheckpointStorage handles file:// and absolute paths only`,
    );
  }
  return parsed.path;
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, 'wx');
  try {
    // Whole-buffer writes, not writeFile's small chunks: each step of an asynchronous write waits
    // for the writing thread's event loop, which a busy task only yields now and then.
    for (let written = 0; written < bytes.byteLength;) {
      const { bytesWritten } = await file.write(bytes, written, bytes.byteLength - written, written);
      written += bytesWritten;
    }
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Makes a rename in `directory` durable (POSIX; Windows cannot open directories for syncing). */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (fileErrorCode(error) === 'ENOENT') return false;
    throw fileSystemStorageError('checking', path, error);
  }
}
