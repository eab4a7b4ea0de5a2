/**
 * The RocksDB I/O thread of a slot (a worker thread): owns the `rocksdb` database and serves the
 * slot thread's requests one after another. Answers to synchronous requests also raise the shared
 * flag, since the slot thread is blocked in Atomics.wait and reads the answer off the port itself.
 */
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type {
  IoEnvelope,
  IoRequest,
  IoResponse,
  IoResult,
  IoConnection,
  PackedChunk,
} from './rocksdb-io-protocol.js';
import {
  packBytes,
  packedItem,
  packedLength,
  transferListOf,
  type PackedBytes,
} from './rocksdb-io-protocol.js';

interface LevelIterator {
  next(cb: (err: Error | undefined, key?: Buffer, value?: Buffer) => void): void;
  end(cb: (err?: Error) => void): void;
}
interface LevelDb {
  open(
    options: { createIfMissing: boolean; writeBufferSize: number; cacheSize: number; compression: boolean },
    cb: (err?: Error) => void,
  ): void;
  close(cb: (err?: Error) => void): void;
  getMany(
    keys: Buffer[],
    options: { asBuffer: boolean; fillCache: boolean },
    cb: (err: Error | undefined, values?: (Buffer | undefined)[]) => void,
  ): void;
  batch(ops: { type: 'put' | 'del'; key: Buffer; value?: Buffer }[], cb: (err?: Error) => void): void;
  clear(options: { gte: Buffer; lt: Buffer }, cb: (err?: Error) => void): void;
  iterator(options: {
    gte: Buffer;
    lt: Buffer;
    keyAsBuffer: boolean;
    valueAsBuffer: boolean;
    highWaterMark: number;
  }): LevelIterator;
}

const require = createRequire(import.meta.url);
const rocksdb = require('rocksdb') as (location: string) => LevelDb;

/**
 * The `rocksdb` addon registers itself once per process, so one thread of the process owns every
 * RocksDB database; each client line (IoConnection) has its own queue and database.
 */
class Line {
  private readonly queue: IoEnvelope[] = [];
  private readonly iterators = new Map<number, LevelIterator>();
  private readonly flag: Int32Array;
  private readonly port: MessagePort;
  private db: LevelDb | undefined;
  /** Where the open database lives. */
  private location: string | undefined;
  private running = false;

  constructor(connection: IoConnection) {
    this.port = connection.port;
    this.flag = new Int32Array(connection.flag);
    this.port.on('message', (envelope: IoEnvelope) => {
      if (envelope.bypass === true) {
        void this.answer(envelope);
        return;
      }
      this.queue.push(envelope);
      if (!this.running) void this.drain();
    });
    // The client's thread is gone (a slot worker ended without closing): close its database
    // after what it queued and delete the directory, as the client would have.
    this.port.on('close', () => {
      if (this.location === undefined) return;
      const location = this.location;
      this.queue.push({ id: -1, sync: false, request: { op: 'close' } });
      if (!this.running) void this.drain();
      void this.idle().then(() => rm(location, { recursive: true, force: true }));
    });
  }

  /** Resolves once the queue is drained. */
  private async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    for (let envelope = this.queue.shift(); envelope !== undefined; envelope = this.queue.shift()) {
      await this.answer(envelope);
    }
    this.running = false;
  }

  private async answer(envelope: IoEnvelope): Promise<void> {
    {
      let response: IoResponse;
      try {
        response = { id: envelope.id, ok: true, result: await this.serve(envelope.request) };
      } catch (error) {
        const err = error as Error & { code?: string };
        response = {
          id: envelope.id,
          ok: false,
          message: err.message ?? String(error),
          ...(err.code === undefined ? {} : { code: err.code }),
        };
      }
      this.port.postMessage(response, transferListOf(response.ok ? response.result : undefined));
      if (envelope.sync) {
        Atomics.store(this.flag, 0, 1);
        Atomics.notify(this.flag, 0);
      }
    }
  }

  /**
   * Reads in key order (neighbouring keys share blocks), split over several threads of the
   * thread pool when there are many.
   */
  private async getMany(keys: Buffer[]): Promise<PackedBytes> {
    const db = this.open();
    const order = keys.map((_, i) => i).sort((a, b) => Buffer.compare(keys[a]!, keys[b]!));
    const parts = keys.length >= 512 ? 4 : 1;
    const size = Math.ceil(order.length / parts);
    const out = new Array<Uint8Array | null>(keys.length).fill(null);
    await Promise.all(
      Array.from({ length: parts }, async (_, part) => {
        const indexes = order.slice(part * size, (part + 1) * size);
        if (indexes.length === 0) return;
        const values = await call<(Buffer | undefined)[]>((cb) =>
          db.getMany(
            indexes.map((i) => keys[i]!),
            { asBuffer: true, fillCache: true },
            cb,
          ),
        );
        indexes.forEach((i, n) => {
          const v = values?.[n];
          out[i] = v === undefined || v === null ? null : v;
        });
      }),
    );
    return packBytes(out);
  }

  private open(): LevelDb {
    if (this.db === undefined) throw new Error('the RocksDB instance is not open');
    return this.db;
  }

  private async serve(request: IoRequest): Promise<IoResult> {
    const iterators = this.iterators;
    switch (request.op) {
      case 'open': {
        const instance = rocksdb(request.location);
        this.location = request.location;
        // Large memtables (fewer, larger level-0 files to search) and a block cache per instance.
        await call<void>((cb) =>
          instance.open(
            { createIfMissing: true, writeBufferSize: 64 << 20, cacheSize: 128 << 20, compression: true },
            cb,
          ),
        );
        this.db = instance;
        return undefined;
      }
      case 'get-many': {
        const keys: Buffer[] = [];
        for (let i = 0; i < packedLength(request.keys); i++)
          keys.push(asBuffer(packedItem(request.keys, i)!));
        return this.getMany(keys);
      }
      case 'write': {
        const { keys, values } = request;
        const ops: { type: 'put' | 'del'; key: Buffer; value?: Buffer }[] = [];
        for (let i = 0; i < packedLength(keys); i++) {
          const key = asBuffer(packedItem(keys, i)!);
          const value = packedItem(values, i);
          ops.push(value === null ? { type: 'del', key } : { type: 'put', key, value: asBuffer(value) });
        }
        await call<void>((cb) => this.open().batch(ops, cb));
        return undefined;
      }
      case 'clear':
        await call<void>((cb) =>
          this.open().clear({ gte: asBuffer(request.gte), lt: asBuffer(request.lt) }, cb),
        );
        return undefined;
      case 'iterator':
        // The iterator takes its snapshot here, after every write queued before it.
        iterators.set(
          request.iteratorId,
          this.open().iterator({
            gte: asBuffer(request.gte),
            lt: asBuffer(request.lt),
            keyAsBuffer: true,
            valueAsBuffer: true,
            highWaterMark: 64 * 1024,
          }),
        );
        return undefined;
      case 'next':
        return nextChunk(iterators, request.iteratorId, request.maxEntries, request.maxBytes);
      case 'end-iterator': {
        const it = iterators.get(request.iteratorId);
        iterators.delete(request.iteratorId);
        if (it !== undefined) await call<void>((cb) => it.end(cb));
        return undefined;
      }
      case 'ping':
        return undefined;
      case 'close': {
        for (const it of iterators.values()) await call<void>((cb) => it.end(cb));
        iterators.clear();
        const instance = this.db;
        this.db = undefined;
        this.location = undefined;
        if (instance !== undefined) await call<void>((cb) => instance.close(cb));
        return undefined;
      }
    }
  }
}

/** The creating thread sends new lines on the worker's parent port. */
parentPort?.on('message', (message: { readonly connect: IoConnection }) => {
  new Line(message.connect);
});
const initial = workerData as IoConnection | undefined;
if (initial?.port !== undefined) new Line(initial);

function call<T>(fn: (cb: (err: Error | undefined, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function nextChunk(
  iterators: Map<number, LevelIterator>,
  iteratorId: number,
  maxEntries: number,
  maxBytes: number,
): Promise<PackedChunk> {
  const it = iterators.get(iteratorId);
  if (it === undefined) throw new Error(`no open iterator ${iteratorId}`);
  const keys: Buffer[] = [];
  const values: Buffer[] = [];
  let bytes = 0;
  let done = false;
  while (keys.length < maxEntries && bytes < maxBytes) {
    const entry = await new Promise<[Buffer, Buffer] | undefined>((resolve, reject) =>
      it.next((err, key, value) =>
        err ? reject(err) : resolve(key === undefined ? undefined : [key, value!]),
      ),
    );
    if (entry === undefined) {
      done = true;
      break;
    }
    keys.push(entry[0]);
    values.push(entry[1]);
    bytes += entry[0].length + entry[1].length;
  }
  return { keys: packBytes(keys), values: packBytes(values), done };
}
