/**
 * A slot's RocksDB instance, seen from the slot thread: the database lives on an I/O worker thread
 * (see rocksdb-io-worker.ts). Reads the task needs before it can run user code are synchronous
 * (`getManySync`: one blocking round trip for a whole input buffer's keys); writes are sent
 * without waiting (`write`), in order, and a failed write surfaces on the next call; snapshot
 * iteration is asynchronous, chunk by chunk, while records keep flowing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { connectRocksDBIo } from './rocksdb-io-service.js';
import type {
  IoEnvelope,
  IoRequest,
  IoResponse,
  IoResult,
  IoConnection,
  IteratorChunk,
  PackedBytes,
  WriteOps,
} from './rocksdb-io-protocol.js';
import { packBytes, packedItem, unpackChunk, type PackedChunk } from './rocksdb-io-protocol.js';

interface Pending {
  resolve(result: IoResult): void;
  reject(error: Error): void;
}

export class RocksDBInstance {
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextIteratorId = 1;
  private failure: FreshetError | undefined;
  private nextBatch = 1;
  /** The newest write batch applied in RocksDB (batches apply in the order they were sent). */
  appliedBatch = 0;
  /** The newest write batch whose keys the caller does not keep cached until it is applied. */
  private uncachedBatch = 0;
  /** Blocking round trips so far (reads the prefetch did not cover show up here); a gauge. */
  syncCalls = 0;
  private closed = false;

  /** Opens (creating) the database in `location`; fails with ROCKSDB_OPEN_FAILED naming the path. */
  /** `connection`: a line to the process's I/O thread (a new one when not given). */
  static async open(
    location: string,
    connection: IoConnection = connectRocksDBIo(),
  ): Promise<RocksDBInstance> {
    try {
      mkdirSync(location, { recursive: true });
    } catch (error) {
      throw openFailed(location, error);
    }
    const instance = new RocksDBInstance(location, connection);
    try {
      // Asynchronously: a thread that blocks before its new worker has started can deadlock it.
      await instance.call({ op: 'open', location });
    } catch (error) {
      await instance.close();
      throw openFailed(location, error);
    }
    return instance;
  }

  private constructor(
    readonly location: string,
    connection: IoConnection,
  ) {
    this.port = connection.port;
    this.flag = new Int32Array(connection.flag);
    this.port.on('message', this.onMessage);
    this.port.unref();
  }

  private readonly onMessage = (response: IoResponse): void => this.settle(response);

  /** Values of `keys`, in order (undefined where absent); blocks until RocksDB answered. */
  getManySync(keys: Uint8Array[]): (Uint8Array | undefined)[] {
    if (keys.length === 0) return [];
    // Reads need not wait behind queued writes whose keys the caller still caches (it never asks
    // for those); writes it does not cache (a restore's) must be applied first.
    const bypass = this.appliedBatch >= this.uncachedBatch;
    const packed = packBytes(keys);
    const values = this.callSync({ op: 'get-many', keys: packed }, bypass, transferOf(packed)) as PackedBytes;
    const out = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = packedItem(values, i) ?? undefined;
    return out;
  }

  /**
   * Queues a write batch, applied before any later request that waits its turn; returns its
   * number (see `appliedBatch`). `cached`: the caller keeps every key of the batch in its cache
   * until the batch is applied, so reads of other keys may go ahead of it.
   */
  write(batch: WriteOps, cached = false): number {
    const id = this.nextBatch++;
    if (!cached) this.uncachedBatch = id;
    const keys = packBytes(batch.keys);
    const values = packBytes(batch.values);
    void this.call({ op: 'write', keys, values }, [...transferOf(keys), ...transferOf(values)]).then(
      () => {
        this.appliedBatch = id; // batches are applied in order
      },
      (error: unknown) => this.fail(error),
    );
    return id;
  }

  /** Waits until every write sent so far is applied (a failed one throws). */
  async flushed(): Promise<void> {
    await this.call({ op: 'ping' });
    this.throwIfFailed();
  }

  /** Deletes every key in [gte, lt), after the writes before it. */
  clear(gte: Uint8Array, lt: Uint8Array): Promise<void> {
    return this.call({ op: 'clear', gte, lt }).then(() => undefined);
  }

  /**
   * Iterates [gte, lt) over a snapshot taken when this is called (after every write sent before);
   * later writes are not seen.
   */
  iterate(gte: Uint8Array, lt: Uint8Array, chunkEntries = 32_768): AsyncIterable<IteratorChunk> {
    const iteratorId = this.nextIteratorId++;
    const opened = this.call({ op: 'iterator', iteratorId, gte, lt });
    return { [Symbol.asyncIterator]: () => this.chunks(iteratorId, opened, chunkEntries) };
  }

  private async *chunks(
    iteratorId: number,
    opened: Promise<IoResult>,
    chunkEntries: number,
  ): AsyncGenerator<IteratorChunk> {
    await opened;
    const nextChunk = async (): Promise<IteratorChunk> =>
      unpackChunk(
        (await this.call({
          op: 'next',
          iteratorId,
          maxEntries: chunkEntries,
          maxBytes: 32 << 20,
        })) as PackedChunk,
      );
    let done = false;
    try {
      // One chunk ahead: RocksDB reads the next while the caller decodes this one.
      let next = nextChunk();
      while (!done) {
        const chunk = await next;
        done = chunk.done;
        if (!done) next = nextChunk();
        yield chunk;
      }
    } finally {
      if (!this.closed) await this.call({ op: 'end-iterator', iteratorId });
    }
  }

  /** The first entry in [gte, lt), blocking (one small round trip per call). */
  firstSync(gte: Uint8Array, lt: Uint8Array): [Uint8Array, Uint8Array] | undefined {
    const iteratorId = this.nextIteratorId++;
    this.callSync({ op: 'iterator', iteratorId, gte, lt });
    const chunk = unpackChunk(
      this.callSync({ op: 'next', iteratorId, maxEntries: 1, maxBytes: 1 }) as PackedChunk,
    );
    this.callSync({ op: 'end-iterator', iteratorId });
    return chunk.keys.length === 0 ? undefined : [chunk.keys[0]!, chunk.values[0]!];
  }

  /** The same as `iterate`, blocking: for test aids and gauges only. */
  iterateSync(gte: Uint8Array, lt: Uint8Array): IteratorChunk {
    const iteratorId = this.nextIteratorId++;
    this.callSync({ op: 'iterator', iteratorId, gte, lt });
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    for (let done = false; !done;) {
      const chunk = unpackChunk(
        this.callSync({ op: 'next', iteratorId, maxEntries: 65536, maxBytes: 64 << 20 }) as PackedChunk,
      );
      keys.push(...chunk.keys);
      values.push(...chunk.values);
      done = chunk.done;
    }
    this.callSync({ op: 'end-iterator', iteratorId });
    return { keys, values, done: true };
  }

  /** Closes the database and the line, and deletes the directory when `destroy`. */
  async close(destroy = true): Promise<void> {
    if (this.closed) return;
    try {
      await this.call({ op: 'close' });
    } catch {
      // closing anyway
    }
    this.closed = true;
    // The line stays open: its owner (the slot) opens the next instance over it.
    this.port.off('message', this.onMessage);
    this.port.unref();
    if (destroy) rmSync(this.location, { recursive: true, force: true });
  }

  private call(request: IoRequest, transfer: ArrayBuffer[] = []): Promise<IoResult> {
    if (this.closed) return Promise.reject(closedError());
    const id = this.nextId++;
    const envelope: IoEnvelope = { id, sync: false, request };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keeps the process alive while an answer is due.
      if (this.pending.size === 1) this.port.ref();
      this.port.postMessage(envelope, transfer);
    });
  }

  private callSync(request: IoRequest, bypass = false, transfer: ArrayBuffer[] = []): IoResult {
    if (this.closed) throw closedError();
    this.throwIfFailed();
    this.syncCalls++;
    const id = this.nextId++;
    const envelope: IoEnvelope = { id, sync: true, request, ...(bypass ? { bypass } : {}) };
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(envelope, transfer);
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) {
        if (Atomics.wait(this.flag, 0, 0, 30_000) === 'timed-out' && Atomics.load(this.flag, 0) === 0) {
          throw new FreshetError('ROCKSDB_TIMEOUT', `RocksDB in ${this.location} did not answer in 30 s`);
        }
        continue;
      }
      const response = received.message as IoResponse;
      if (response.id !== id) {
        this.settle(response);
        continue;
      }
      if (!response.ok) throw ioError(this.location, response);
      return response.result;
    }
  }

  private settle(response: IoResponse): void {
    const pending = this.pending.get(response.id);
    if (pending === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.port.unref();
    if (response.ok) pending.resolve(response.result);
    else pending.reject(ioError(this.location, response));
  }

  private fail(error: unknown): void {
    this.failure ??=
      error instanceof FreshetError
        ? error
        : new FreshetError('ROCKSDB_IO_FAILED', `RocksDB in ${this.location} failed: ${String(error)}`, {
            cause: error,
          });
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

function ioError(location: string, response: { message: string; code?: string }): FreshetError {
  return new FreshetError('ROCKSDB_IO_FAILED', `RocksDB in ${location}: ${response.message}`);
}

function closedError(): FreshetError {
  return new FreshetError('ROCKSDB_CLOSED', 'the RocksDB instance is closed');
}

function openFailed(location: string, error: unknown): FreshetError {
  const reason = error instanceof Error ? error.message : String(error);
  return new FreshetError(
    'ROCKSDB_OPEN_FAILED',
    `cannot open RocksDB in ${location}: ${reason}; check that taskmanager.state.local.root-dirs points to a ` +
      'writable directory',
    { cause: error },
  );
}

function transferOf(packed: PackedBytes): ArrayBuffer[] {
  return [packed.bytes.buffer as ArrayBuffer, packed.offsets.buffer as ArrayBuffer];
}
