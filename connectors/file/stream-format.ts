/**
 * Decodes records from the bytes of a file (Flink's StreamFormat). A decoder is created for each
 * read of a split, starting at a record boundary; it reports for every record the byte offset just
 * behind it, which is where a restored reader resumes.
 */
export interface StreamFormat<T> {
  createDecoder(): StreamFormatDecoder<T>;
}

export interface StreamFormatDecoder<T> {
  /**
   * Decodes the next `chunk`, whose first byte is at file offset `chunkOffset`; calls `emit` for
   * each complete record with the offset behind it. May keep an incomplete tail for the next chunk
   * (and must copy it: the caller reuses the chunk's memory).
   */
  decode(chunk: Buffer, chunkOffset: number, emit: (record: T, endOffset: number) => void): void;
  /** The file ended at `endOffset`: emits what the kept tail holds. */
  finish(endOffset: number, emit: (record: T, endOffset: number) => void): void;
}
