/**
 * A network buffer carries a batch of records. Within one thread (a channel between two tasks of
 * the same slot) the batch travels as it is: a RecordBatch holding the record objects, with no
 * serialization, as chained operators pass records by reference. Whenever a buffer leaves its
 * thread (another slot, another TaskManager) or is persisted (unaligned checkpoint channel state)
 * it is encoded with one msgpackr call as `[values, timestamps]`, timestamps null when no record
 * in the batch has one. Encoding whole batches, not records one by one, is what keeps
 * serialization near msgpackr's batch speed.
 */
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: true, moreTypes: true });

export class RecordBatch {
  constructor(
    readonly values: unknown[],
    readonly timestamps: (number | undefined)[] | null,
    /** The batch's encoded size: measured, or estimated from batches the writer measured. */
    readonly byteSize: number,
  ) {}
}

/** Encoded bytes, or the records themselves while the buffer stays in its thread. */
export type NetworkBuffer = Uint8Array | RecordBatch;

/** Encodes into a fresh, exactly sized ArrayBuffer (safe to transfer to another thread). */
export function encodeBatch(
  values: readonly unknown[],
  timestamps: readonly (number | undefined)[] | null,
): Uint8Array {
  const packed = packr.pack([values, timestamps]);
  return Uint8Array.prototype.slice.call(packed);
}

export function decodeBatch(data: Uint8Array): RecordBatch {
  const decoded = packr.unpack(data) as [unknown[], (number | undefined)[] | null];
  return new RecordBatch(decoded[0], decoded[1], data.byteLength);
}

/** The buffer as bytes: what crosses threads and processes and what checkpoints store. */
export function bufferBytes(buffer: NetworkBuffer): Uint8Array {
  return buffer instanceof Uint8Array ? buffer : encodeBatch(buffer.values, buffer.timestamps);
}

/** The buffer's records, decoding bytes. */
export function bufferRecords(buffer: NetworkBuffer): RecordBatch {
  return buffer instanceof Uint8Array ? decodeBatch(buffer) : buffer;
}

export function bufferByteSize(buffer: NetworkBuffer): number {
  return buffer instanceof Uint8Array ? buffer.byteLength : buffer.byteSize;
}
