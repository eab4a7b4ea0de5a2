/**
 * Part files on the local file system: an in-progress part is a hidden `.part-….inprogress` file
 * in the sink's directory, written synchronously; closing it fsyncs it; committing renames it to
 * its visible name. A rename is atomic, so a part is visible whole or not at all.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { InProgressPart } from './bucket.js';
import type { FileSinkCommittable, LocalFileSinkCommittable } from './file-sink-committable.js';
import { fileSinkDataLostError, FileSinkErrorCode, fileSinkIoError } from './file-sink-errors.js';
import type { InProgressPartFile, PartFileWriter, PendingPartFile } from './part-file-writer.js';

export class LocalPartFileWriter implements PartFileWriter {
  private readonly directory: string;

  /** `directory`: absolute path of the sink's output directory (created by the caller). */
  constructor(directory: string) {
    this.directory = directory;
  }

  openPart(part: InProgressPart): InProgressPartFile {
    return new LocalInProgressPartFile(
      join(this.directory, part.inProgressName),
      join(this.directory, part.finalName),
    );
  }

  readonly commitSync = (committables: readonly FileSinkCommittable[]): void => {
    for (const committable of committables) commitLocal(checkLocal(committable));
  };

  commit(committables: readonly FileSinkCommittable[]): Promise<void> {
    // A throw in the executor rejects the promise.
    return new Promise((resolve) => {
      this.commitSync(committables);
      resolve();
    });
  }

  close(): void {}
}

/**
 * Renames the in-progress file to its final name. Already committed (in-progress file gone, final
 * file there) is success; both gone is lost data and fails loudly.
 */
export function commitLocal(committable: LocalFileSinkCommittable): void {
  const { inProgressPath, finalPath } = committable;
  try {
    renameSync(inProgressPath, finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(inProgressPath)) {
      if (existsSync(finalPath)) return;
      throw fileSinkDataLostError(
        `FileSink cannot commit part file '${finalPath}': neither it nor its in-progress file ` +
          `'${inProgressPath}' exists, so the data of this checkpoint is lost (was the output directory ` +
          `cleaned while the job ran, or is it not shared between TaskManagers?)`,
        error,
      );
    }
    throw fileSinkIoError(
      FileSinkErrorCode.commitFailed,
      'commit (rename to its final name)',
      inProgressPath,
      error,
    );
  }
}

function checkLocal(committable: FileSinkCommittable): LocalFileSinkCommittable {
  if (committable.kind === 'local') return committable;
  throw fileSinkDataLostError(
    `a FileSink writing to local files got an S3 committable for s3://${committable.bucket}/${committable.key}; ` +
      'was the sink path changed from s3:// to a local path across a restore?',
  );
}

class LocalInProgressPartFile implements InProgressPartFile {
  private fd: number | undefined;
  private readonly inProgressPath: string;
  private readonly finalPath: string;

  constructor(inProgressPath: string, finalPath: string) {
    this.inProgressPath = inProgressPath;
    this.finalPath = finalPath;
    // 'w' truncates a stale in-progress file a failed attempt left under this name.
    this.fd = this.io('open', () => openSync(inProgressPath, 'w'));
  }

  write(data: Uint8Array): void {
    const fd = this.openFd();
    this.io('write', () => {
      let written = 0;
      while (written < data.byteLength) written += writeSync(fd, data, written);
    });
  }

  persist(): void {}

  closeForCommit(): PendingPartFile {
    const fd = this.openFd();
    this.fd = undefined;
    this.io('close', () => {
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
    const committable: LocalFileSinkCommittable = {
      kind: 'local',
      inProgressPath: this.inProgressPath,
      finalPath: this.finalPath,
    };
    return { committable, finish: () => Promise.resolve(committable) };
  }

  dispose(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) this.io('close', () => closeSync(fd));
  }

  private openFd(): number {
    if (this.fd === undefined) {
      throw new FreshetError('PART_FILE_CLOSED', `part file '${this.inProgressPath}' is already closed`);
    }
    return this.fd;
  }

  private io<R>(action: string, run: () => R): R {
    try {
      return run();
    } catch (error) {
      throw fileSinkIoError(FileSinkErrorCode.ioFailed, action, this.inProgressPath, error);
    }
  }
}
