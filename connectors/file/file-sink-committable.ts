/**
 * What a FileSink writer hands to its Committer at a checkpoint, and the writer's own checkpointed
 * state. Both are plain data (they are stored in checkpoints as msgpack).
 */

/** A closed local part file: renaming `inProgressPath` to `finalPath` makes it visible. */
export interface LocalFileSinkCommittable {
  readonly kind: 'local';
  /** Absolute path of the hidden `.part-….inprogress` file. */
  readonly inProgressPath: string;
  /** Absolute path of the visible `part-…` file. */
  readonly finalPath: string;
}

/** One uploaded part of an S3 multipart upload. */
export interface S3UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/** A closed S3 part file: an uploaded, not yet completed multipart upload of `key`. */
export interface S3FileSinkCommittable {
  readonly kind: 's3';
  readonly bucket: string;
  /** The visible key the part file gets (`<prefix>/part-…`). */
  readonly key: string;
  readonly uploadId: string;
  readonly parts: readonly S3UploadedPart[];
}

/** A part file closed at a checkpoint, to be made visible once the checkpoint completes. */
export type FileSinkCommittable = LocalFileSinkCommittable | S3FileSinkCommittable;

/** A FileSink writer's checkpointed state: where part numbering continues after a restore. */
export interface FileSinkWriterState {
  /** The index the writer's next part file gets; committed parts all have smaller indices. */
  readonly nextPartCounter: number;
}
