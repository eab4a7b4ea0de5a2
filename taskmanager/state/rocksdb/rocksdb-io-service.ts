/**
 * The process's RocksDB I/O thread. The `rocksdb` addon can be loaded by one thread per process
 * only, so that thread is started once (on first use), kept for the life of the process, and
 * serves every RocksDB instance of the process over its own line (IoConnection). A TaskManager
 * hands a line to each slot worker; a thread that started the service gets lines directly.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../../../common/compiled-module-url.js';
import type { IoConnection } from './rocksdb-io-protocol.js';

/** On globalThis, so a module loaded twice (test isolation) still finds the one thread. */
const SERVICE = Symbol.for('freshet.rocksdb-io-service');

interface Service {
  readonly worker: Worker;
}

function service(): Service {
  const holder = globalThis as unknown as Record<symbol, Service | undefined>;
  let existing = holder[SERVICE];
  if (existing === undefined) {
    const worker = new Worker(compiledModuleUrl('./rocksdb-io-worker.js', import.meta.url), {
      stdout: false,
      stderr: false,
    });
    worker.unref();
    holder[SERVICE] = existing = { worker };
  }
  return existing;
}

/** A new line to the I/O thread (starting it on first use). */
export function connectRocksDBIo(): IoConnection {
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  service().worker.postMessage({ connect: { port: port2, flag } }, [port2]);
  return { port: port1, flag };
}
