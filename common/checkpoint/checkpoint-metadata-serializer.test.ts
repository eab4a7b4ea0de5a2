import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FreshetError } from '../errors/freshet-error.js';
import { stateFileHandlesOf } from './checkpoint-metadata.js';
import {
  CHECKPOINT_METADATA_VERSION,
  decodeCheckpointMetadata,
  encodeCheckpointMetadata,
} from './checkpoint-metadata-serializer.js';
import { CorruptCheckpointMetadataError } from './checkpoint-storage-errors.js';
import { crc32 } from './crc32.js';
import { testingCheckpointMetadata } from './testing-checkpoint-metadata.js';

const DIR = 'file:///ckpt/job/chk-7';
const SOURCE = '/ckpt/job/chk-7/_metadata';

function corruptionOf(bytes: Uint8Array): unknown {
  try {
    decodeCheckpointMetadata(bytes, { checkpointDirectory: DIR, source: SOURCE });
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectCorrupt(bytes: Uint8Array, what: string): void {
  const error = corruptionOf(bytes);
  expect(error, what).toBeInstanceOf(CorruptCheckpointMetadataError);
  const corrupt = error as CorruptCheckpointMetadataError;
  expect(corrupt.code).toBe('CORRUPT_CHECKPOINT_METADATA');
  expect(corrupt.domain).toBe('external');
  expect(corrupt.message).toContain(SOURCE);
  expect(corrupt.message).toContain('cannot be used');
}

/** A well-formed file (right header and CRC) around an arbitrary body. */
function frame(body: Uint8Array, version = CHECKPOINT_METADATA_VERSION): Uint8Array {
  const bytes = new Uint8Array(10 + body.byteLength + 4);
  const view = new DataView(bytes.buffer);
  bytes.set([0x46, 0x52, 0x43, 0x4b]);
  view.setUint16(4, version);
  view.setUint32(6, body.byteLength);
  bytes.set(body, 10);
  view.setUint32(10 + body.byteLength, crc32(bytes.subarray(0, 10 + body.byteLength)));
  return bytes;
}

describe('checkpoint metadata serialization', () => {
  it('round-trips every field', () => {
    const metadata = testingCheckpointMetadata(DIR);
    const decoded = decodeCheckpointMetadata(encodeCheckpointMetadata(metadata, DIR), {
      checkpointDirectory: DIR,
    });
    expect(decoded).toEqual(metadata);
    expect(decoded.masterStates?.[0]?.bytes).toBeInstanceOf(Uint8Array);
  });

  it('starts with FRCK and the format version, and ends with a CRC-32 of the rest', () => {
    const bytes = encodeCheckpointMetadata(testingCheckpointMetadata(DIR), DIR);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('FRCK');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(view.getUint16(4)).toBe(CHECKPOINT_METADATA_VERSION);
    expect(view.getUint32(6)).toBe(bytes.byteLength - 14);
    expect(view.getUint32(bytes.byteLength - 4)).toBe(crc32(bytes.subarray(0, bytes.byteLength - 4)));
  });

  it('stores paths inside the checkpoint directory relative to it, and others as they are', () => {
    const bytes = encodeCheckpointMetadata(testingCheckpointMetadata(DIR), DIR);
    const text = Buffer.from(bytes).toString('latin1');
    expect(text).not.toContain(`${DIR}/`);
    expect(text).toContain('keyed-0');
    expect(text).toContain('s3://shared-bucket/shared/state-x');

    const moved = 's3://elsewhere/savepoints/savepoint-a1b2c3-0123456789ab';
    const decoded = decodeCheckpointMetadata(bytes, { checkpointDirectory: moved });
    const paths = stateFileHandlesOf(decoded).map((handle) => handle.path);
    expect(paths).toContain(`${moved}/keyed-0`);
    expect(paths).toContain(`${moved}/op-offsets-0`);
    expect(paths).toContain(`${moved}/in-flight-0`);
    expect(paths).toContain('s3://shared-bucket/shared/state-x');
  });

  it('detects truncation at any length', () => {
    const bytes = encodeCheckpointMetadata(testingCheckpointMetadata(DIR), DIR);
    const lengths = [
      0,
      1,
      3,
      4,
      6,
      9,
      10,
      11,
      13,
      bytes.byteLength >> 1,
      bytes.byteLength - 4,
      bytes.byteLength - 1,
    ];
    for (const length of lengths) expectCorrupt(bytes.subarray(0, length), `truncated to ${length}`);
  });

  it('detects a flipped bit in every byte (magic, version, length, body and checksum)', () => {
    const bytes = encodeCheckpointMetadata(testingCheckpointMetadata(DIR), DIR);
    for (let i = 0; i < bytes.byteLength; i++) {
      const flipped = Uint8Array.from(bytes);
      flipped[i] = flipped[i]! ^ 0x10;
      expectCorrupt(flipped, `bit flipped at byte ${i}`);
    }
  });

  it('detects bytes appended after the checksum', () => {
    const bytes = encodeCheckpointMetadata(testingCheckpointMetadata(DIR), DIR);
    expectCorrupt(Uint8Array.from([...bytes, 0]), 'one extra byte');
  });

  it('reports a well-formed body of the wrong shape as corrupt, naming the field', () => {
    const packr = new Packr({ useRecords: false });
    const body = packr.pack({
      checkpointId: 1,
      jobId: 'nope',
      timestamp: 1,
      isSavepoint: false,
      operators: [],
    });
    expectCorrupt(frame(body), 'bad job id');
    expect((corruptionOf(frame(body)) as Error).message).toContain('jobId');
    expectCorrupt(frame(Uint8Array.from([0xc1])), 'not msgpack');
  });

  it('rejects a newer format version with its own error', () => {
    const good = encodeCheckpointMetadata(testingCheckpointMetadata(DIR), DIR);
    const error = corruptionOf(
      frame(good.subarray(10, good.byteLength - 4), CHECKPOINT_METADATA_VERSION + 1),
    );
    expect(error).toBeInstanceOf(FreshetError);
    expect((error as FreshetError).code).toBe('UNSUPPORTED_CHECKPOINT_METADATA_VERSION');
  });
});
