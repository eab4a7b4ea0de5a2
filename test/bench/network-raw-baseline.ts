/**
 * The raw baseline of the network benchmark: what moving the records from one process to another
 * costs with nothing but serialization and a socket. This process generates the records, encodes
 * them in batches of ~32 KiB with the data plane's codec (same msgpackr settings, same
 * `[values, timestamps]` layout, same batch sizing as the RecordWriter) and writes them as
 * length-prefixed frames over loopback TCP, waiting for 'drain'; a child process
 * (network-raw-receiver) decodes every batch and reports when the connection ended.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket, type TcpNetConnectOpts } from 'node:net';
import { fileURLToPath } from 'node:url';
import { encodeBatch } from '../../common/protocol/record-batch-codec.js';
import { SOCKET_HIGH_WATER_MARK } from '../../taskmanager/network/transport/tcp-peer.js';
import { networkRecord, wallClockMillis, type NetworkRecord } from './jobs/network-records.js';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';

/** Messages of the receiver to the parent over the IPC channel. */
export type RawReceiverMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'done'; readonly records: number; readonly bytes: number; readonly finishedAt: number }
  | { readonly type: 'failed'; readonly message: string };

export interface RawBaselineResult {
  readonly records: number;
  /** Encoded batch bytes (without the 4-byte frame headers). */
  readonly bytes: number;
  /** From the first write to the receiver's end of input. */
  readonly ms: number;
}

/** `taskmanager.memory.segment-size` default: the size network buffers are filled to. */
export const SEGMENT_SIZE = 32 * 1024;
const MIN_BATCH = 16;
const MAX_BATCH = 8192;
const RECEIVER_TIMEOUT_MS = 120_000;

/** The compiled receiver (from the TypeScript sources in tests, the build output of it). */
function receiverPath(): string {
  return fileURLToPath(compiledModuleUrl('./network-raw-receiver.js', import.meta.url));
}

export async function runRawBaseline(count: number): Promise<RawBaselineResult> {
  const child = fork(receiverPath(), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const messages = receiverMessages(child);
    const listening = await messages.next('listening');
    const socket = await connect(listening.port);
    const done = messages.next('done');
    const startedAt = await sendRecords(socket, count);
    const result = await done;
    if (result.records !== count)
      throw new Error(`raw receiver decoded ${result.records} records, expected ${count}`);
    return { records: result.records, bytes: result.bytes, ms: result.finishedAt - startedAt };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Writes `count` records in ~32 KiB batches; returns the wall-clock time of the first write. */
async function sendRecords(socket: Socket, count: number): Promise<number> {
  let targetBatchSize = 256;
  let startedAt: number | undefined;
  const header = Buffer.alloc(4);
  for (let next = 0; next < count;) {
    const end = Math.min(count, next + targetBatchSize);
    const values: NetworkRecord[] = [];
    for (; next < end; next++) values.push(networkRecord(next));
    const buffer = encodeBatch(values, null);
    targetBatchSize = Math.max(
      MIN_BATCH,
      Math.min(MAX_BATCH, Math.floor(SEGMENT_SIZE / Math.max(buffer.byteLength / values.length, 1))),
    );
    startedAt ??= wallClockMillis();
    header.writeUInt32BE(buffer.byteLength, 0);
    socket.write(Buffer.from(header));
    if (!socket.write(buffer)) await drained(socket);
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  return startedAt ?? wallClockMillis();
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      socket.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      socket.off('drain', onDrain);
      reject(error);
    };
    socket.once('drain', onDrain);
    socket.once('error', onError);
  });
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // As in TcpTransport: net.Socket hands highWaterMark on to its Duplex (@types/node omits it).
    const options: TcpNetConnectOpts & { readonly highWaterMark: number } = {
      host: '127.0.0.1',
      port,
      noDelay: true,
      highWaterMark: SOCKET_HIGH_WATER_MARK,
    };
    const socket = createConnection(options);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Waits for the receiver's messages by type; fails on a 'failed' message, an exit, or the deadline. */
function receiverMessages(child: ChildProcess): {
  next<K extends RawReceiverMessage['type']>(type: K): Promise<Extract<RawReceiverMessage, { type: K }>>;
} {
  const received: RawReceiverMessage[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  child.on('message', (message) => {
    received.push(message as RawReceiverMessage);
    for (const waiter of waiters) waiter();
  });
  child.once('exit', () => {
    exited = true;
    for (const waiter of waiters) waiter();
  });
  return {
    next<K extends RawReceiverMessage['type']>(type: K) {
      return new Promise<Extract<RawReceiverMessage, { type: K }>>((resolve, reject) => {
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        const check = (): void => {
          const failed = received.find((m) => m.type === 'failed');
          if (failed !== undefined && failed.type === 'failed')
            return finish(() => reject(new Error(`raw receiver failed: ${failed.message}`)));
          const found = received.find((m) => m.type === type);
          if (found !== undefined)
            return finish(() => resolve(found as Extract<RawReceiverMessage, { type: K }>));
          if (exited) finish(() => reject(new Error(`raw receiver exited before '${type}'`)));
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`raw receiver: no '${type}' within ${RECEIVER_TIMEOUT_MS} ms`))),
          RECEIVER_TIMEOUT_MS,
        );
        waiters.add(check);
        check();
      });
    },
  };
}
