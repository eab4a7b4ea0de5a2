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
  | { readonly op: 'get-many'; readonly keys: Uint8Array[] }
  | { readonly op: 'write'; readonly batch: WriteOps }
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

export type IoResult = undefined | (Uint8Array | undefined)[] | IteratorChunk;

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
