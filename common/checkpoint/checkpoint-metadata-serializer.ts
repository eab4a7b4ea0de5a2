/**
 * The `_metadata` file format (Flink's MetadataSerializer, simplified):
 *
 *   offset 0   magic 'FRCK' (4 bytes)
 *   offset 4   format version, u16 big-endian (currently 1)
 *   offset 6   body length N, u32 big-endian
 *   offset 10  body: msgpack of the plain object from checkpoint-metadata-wire.ts
 *   offset 10+N  CRC-32 of bytes [0, 10+N), u32 big-endian
 *
 * The length and checksum make truncation and bit flips detectable: decoding such a file is a
 * CorruptCheckpointMetadataError ('CORRUPT_CHECKPOINT_METADATA') naming the file. A file of a newer
 * format version is 'UNSUPPORTED_CHECKPOINT_METADATA_VERSION'.
 */
import { Packr } from 'msgpackr';
import { UserError } from '../errors/freshet-error.js';
import { childUri } from './checkpoint-path.js';
import type { CheckpointMetadata } from './checkpoint-metadata.js';
import { MalformedMetadataBody, metadataFromWire, metadataToWire } from './checkpoint-metadata-wire.js';
import { METADATA_FILE_NAME } from './checkpoint-storage.js';
import { CorruptCheckpointMetadataError } from './checkpoint-storage-errors.js';
import { crc32 } from './crc32.js';

export const CHECKPOINT_METADATA_MAGIC = Uint8Array.from([0x46, 0x52, 0x43, 0x4b]); // 'FRCK'
export const CHECKPOINT_METADATA_VERSION = 1;
const HEADER_BYTES = 10;
const TRAILER_BYTES = 4;

/** Plain msgpack (no records extension) so the bytes are stable and readable by any msgpack tool. */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true });

export interface DecodeMetadataOptions {
  /** The directory the file was read from: relative state file paths are resolved against it. */
  readonly checkpointDirectory: string;
  /** How errors name the file; `<checkpointDirectory>/_metadata` by default. */
  readonly source?: string;
}

/**
 * Encodes metadata for the location `checkpointDirectory`; state files inside it are stored by
 * their path relative to it.
 */
export function encodeCheckpointMetadata(
  metadata: CheckpointMetadata,
  checkpointDirectory: string,
): Uint8Array {
  const body = packr.pack(metadataToWire(metadata, checkpointDirectory));
  const bytes = new Uint8Array(HEADER_BYTES + body.byteLength + TRAILER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(CHECKPOINT_METADATA_MAGIC, 0);
  view.setUint16(4, CHECKPOINT_METADATA_VERSION);
  view.setUint32(6, body.byteLength);
  bytes.set(body, HEADER_BYTES);
  const end = HEADER_BYTES + body.byteLength;
  view.setUint32(end, crc32(bytes.subarray(0, end)));
  return bytes;
}

export function decodeCheckpointMetadata(
  bytes: Uint8Array,
  options: DecodeMetadataOptions,
): CheckpointMetadata {
  const source = options.source ?? childUri(options.checkpointDirectory, METADATA_FILE_NAME);
  const corrupt = (problem: string, cause?: unknown): CorruptCheckpointMetadataError =>
    new CorruptCheckpointMetadataError(source, problem, cause === undefined ? {} : { cause });

  if (bytes.byteLength < HEADER_BYTES + TRAILER_BYTES) {
    throw corrupt(`${bytes.byteLength} bytes, shorter than the ${HEADER_BYTES + TRAILER_BYTES}-byte minimum`);
  }
  if (!CHECKPOINT_METADATA_MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw corrupt(
      `it does not start with the magic bytes 'FRCK'; it is not a Freshet checkpoint metadata file`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bodyLength = view.getUint32(6);
  const expected = HEADER_BYTES + bodyLength + TRAILER_BYTES;
  if (bytes.byteLength !== expected) {
    throw corrupt(
      bytes.byteLength < expected
        ? `truncated: ${bytes.byteLength} of ${expected} bytes`
        : `${bytes.byteLength - expected} unexpected bytes after the ${expected} the header announces`,
    );
  }
  const end = HEADER_BYTES + bodyLength;
  const stored = view.getUint32(end);
  const actual = crc32(bytes.subarray(0, end));
  if (stored !== actual) {
    throw corrupt(`checksum mismatch: stored CRC-32 ${hex(stored)}, computed ${hex(actual)}`);
  }
  const version = view.getUint16(4);
  if (version !== CHECKPOINT_METADATA_VERSION) {
    throw new UserError(
      'UNSUPPORTED_CHECKPOINT_METADATA_VERSION',
      `checkpoint metadata ${source} has format version ${version}, but this Freshet reads version ` +
        `${CHECKPOINT_METADATA_VERSION}; restore it with the Freshet version that wrote it`,
    );
  }
  let body: unknown;
  try {
    body = packr.unpack(bytes.subarray(HEADER_BYTES, end));
  } catch (error) {
    throw corrupt('the body is not valid msgpack', error);
  }
  try {
    return metadataFromWire(body, options.checkpointDirectory);
  } catch (error) {
    if (error instanceof MalformedMetadataBody) throw corrupt(error.message, error);
    throw error;
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
