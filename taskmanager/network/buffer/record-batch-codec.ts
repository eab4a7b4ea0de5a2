/**
 * A network buffer holds a batch of records encoded in one msgpackr call: `[values, timestamps]`
 * where timestamps is null when no record in the batch has one. Encoding whole batches, not
 * records one by one, is what keeps serialization near msgpackr's batch speed.
 */
import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: true, moreTypes: true });

export interface DecodedBatch {
  readonly values: unknown[];
  readonly timestamps: (number | undefined)[] | null;
}

/** Encodes into a fresh, exactly sized ArrayBuffer (safe to transfer to another thread). */
export function encodeBatch(
  values: readonly unknown[],
  timestamps: readonly (number | undefined)[] | null,
): Uint8Array {
  const packed = packr.pack([values, timestamps]);
  return Uint8Array.prototype.slice.call(packed);
}

export function decodeBatch(data: Uint8Array): DecodedBatch {
  const decoded = packr.unpack(data) as [unknown[], (number | undefined)[] | null];
  return { values: decoded[0], timestamps: decoded[1] };
}
