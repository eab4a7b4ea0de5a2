import type { Committer } from '../../api/connector/sink.js';
import type { FileSinkCommittable } from './file-sink-committable.js';
import type { PartFileWriter } from './part-file-writer.js';

/**
 * Makes the part files a checkpoint closed visible once it completed (Flink's FileCommitter):
 * renames local in-progress files, completes S3 multipart uploads. Idempotent: committables
 * committed before a restore succeed again; one whose data is gone fails with
 * FILE_SINK_COMMIT_FAILED instead of being skipped.
 */
export class FileSinkCommitter implements Committer<FileSinkCommittable> {
  private readonly files: PartFileWriter;

  constructor(files: PartFileWriter) {
    this.files = files;
  }

  commit(committables: FileSinkCommittable[]): Promise<void> {
    return this.files.commit(committables);
  }

  close(): void {
    this.files.close();
  }
}
