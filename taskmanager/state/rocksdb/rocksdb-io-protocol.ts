/**
 * Messages between a slot's thread and its RocksDB I/O thread. The I/O thread owns the database
 * and runs requests strictly in order, so a read always sees every write sent before it and an
 * iterator's implicit snapshot holds exactly what was written before it was opened.
 */
import type { MessagePort } from 'node:worker_threads';

/** A write batch: parallel arrays; a null value deletes the key. */
export interface WriteOps {
  readonly keys: Uint8Array[];
  readonly values: (Uint8Array | null)[];
}

export type IoRequest =
  | { readonly op: 'open'; readonly location: string }
  | { readonly op: 'get-many'; readonly keys: PackedBytes }
  /** Values null (absent) delete their key. */
  | { readonly op: 'write'; readonly keys: PackedBytes; readonly values: PackedBytes }
  | { readonly op: 'clear'; readonly gte: Uint8Array; readonly lt: Uint8Array }
  | {
      readonly op: 'iterator';
      readonly iteratorId: number;
      readonly gte: Uint8Array;
      readonly lt: Uint8Array;
    }
  /** Up to `maxEntries` entries or about `maxBytes`, whichever comes first; `done` at the end. */
  | {
      readonly op: 'next';
      readonly iteratorId: number;
      readonly maxEntries: number;
      readonly maxBytes: number;
    }
  | { readonly op: 'end-iterator'; readonly iteratorId: number }
  /** Answers once every request before it is done. */
  | { readonly op: 'ping' }
  | { readonly op: 'close' };

export interface IoEnvelope {
  readonly id: number;
  /** The caller blocks until the answer: the I/O thread wakes it through the shared flag. */
  readonly sync: boolean;
  /**
   * Served at once, not after the requests queued before it: a read of keys none of which has a
   * write still on its way (the caller answers those itself).
   */
  readonly bypass?: boolean;
  readonly request: IoRequest;
}

export interface IteratorChunk {
  readonly keys: Uint8Array[];
  readonly values: Uint8Array[];
  readonly done: boolean;
}

/** An iterator chunk as it crosses threads: keys and values packed. */
export interface PackedChunk {
  readonly keys: PackedBytes;
  readonly values: PackedBytes;
  readonly done: boolean;
}

/** A get-many answers with its values packed (absent ones as null items); a `next` with a chunk. */
export type IoResult = undefined | PackedBytes | PackedChunk;

/** The buffers to transfer with a result. */
export function transferListOf(result: IoResult): ArrayBuffer[] {
  if (result === undefined) return [];
  const lists = 'offsets' in result ? [result] : [result.keys, result.values];
  return lists.flatMap((p) => [p.bytes.buffer as ArrayBuffer, p.offsets.buffer as ArrayBuffer]);
}

/** A chunk's keys and values as views into its packed buffers. */
export function unpackChunk(chunk: PackedChunk): IteratorChunk {
  const keys: Uint8Array[] = [];
  const values: Uint8Array[] = [];
  for (let i = 0; i < packedLength(chunk.keys); i++) {
    keys.push(packedItem(chunk.keys, i)!);
    values.push(packedItem(chunk.values, i)!);
  }
  return { keys, values, done: chunk.done };
}

export type IoResponse =
  | { readonly id: number; readonly ok: true; readonly result: IoResult }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: string };

/**
 * One client's line to the process's RocksDB I/O thread: its own port and wake-up flag. A line
 * serves one database at a time (opened and closed with requests); lines are served independently.
 * A line can be handed to another thread (a slot worker) by transferring its port.
 */
export interface IoConnection {
  readonly port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: [0] is set to 1 once a sync answer has been posted. */
  readonly flag: SharedArrayBuffer;
}

/**
 * A list of byte strings in one transferable buffer: item i is bytes[starts[i] .. starts[i+1]);
 * a negative start marks an absent item (a delete's value) of length 0.
 */
export interface PackedBytes {
  readonly bytes: Uint8Array;
  /** n + 1 offsets for n items. */
  readonly offsets: Int32Array;
}

export function packBytes(items: readonly (Uint8Array | null)[]): PackedBytes {
  let total = 0;
  for (const item of items) if (item !== null) total += item.length;
  const bytes = new Uint8Array(total);
  const offsets = new Int32Array(items.length + 1);
  let pos = 0;
  items.forEach((item, i) => {
    if (item === null) {
      offsets[i] = -1 - pos;
      return;
    }
    offsets[i] = pos;
    bytes.set(item, pos);
    pos += item.length;
  });
  offsets[items.length] = pos;
  return { bytes, offsets };
}

/** Item `i` of a packed list (a view, no copy), or null for an absent one. */
export function packedItem(packed: PackedBytes, i: number): Uint8Array | null {
  const start = packed.offsets[i]!;
  if (start < 0) return null;
  let end = packed.offsets[i + 1]!;
  if (end < 0) end = -1 - end;
  return packed.bytes.subarray(start, end);
}

export function packedLength(packed: PackedBytes): number {
  return packed.offsets.length - 1;
}
