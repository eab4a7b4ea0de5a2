/**
 * `npm run bench -- state`: what keyed state costs on the RocksDB backend against the heap one, on
 * the embedded runtime (`freshet run`'s path: bundle → MiniCluster, one slot worker; RocksDB keeps
 * its data in an I/O thread of the same process, so process CPU time counts every thread).
 *  1. Throughput per core of state-window-job (datagen → keyBy → tumbling 100 s event-time windows,
 *     10 events per ms so ~1 M events per window → sum aggregate → discard, p=1): RocksDB over a
 *     10 M key space (nearly every event a new (key, window) entry, far beyond the backend's
 *     cache), the heap backend over 100 k keys, and RocksDB over the same 100 k keys (the cost of
 *     the backend apart from its cache misses). 4 M events per run (1 M quick), each once after one
 *     short warm-up of the heap job. Events/s = events / the job's net runtime; per core = events /
 *     process CPU seconds over the run (cluster start to shutdown).
 *  2. Savepoint of ~1 GB of RocksDB state (0.2 GB quick): state-fill-job keeps a ~1000-byte string
 *     per key for 1 M keys (200 k quick), fed by an unbounded rate-unlimited source; once the source
 *     has generated record N (every key is behind it) a savepoint is triggered through the
 *     JobMaster and timed (trigger → path); its size is the savepoint directory on disk.
 *  3. Restore: the job is cancelled and submitted again from the savepoint; restore time is
 *     submission → the first record processed by the restored function (which has read its key's
 *     state, so the restored state is in RocksDB by then).
 *
 * Env: FRESHET_BENCH_QUICK=1 for a short run.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobProgram } from '../../cli/program/job-program.js';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';
import { figure } from './bench-runner.js';
import type { Moment } from './jobs/checkpoint-probes.js';
import { VALUE_BYTES, type FirstRead } from './jobs/state-fill-job.js';
import { StateLocalJob } from './jobs/state-local-job.js';

const QUICK = process.env['FRESHET_BENCH_QUICK'] === '1';
const WINDOW_EVENTS = QUICK ? 1_000_000 : 4_000_000;
const WARMUP_EVENTS = QUICK ? 200_000 : 500_000;
const LARGE_KEYS = 10_000_000;
const SMALL_KEYS = 100_000;
const FILL_KEYS = QUICK ? 200_000 : 1_000_000;
const FILL_TIMEOUT_MS = 600_000;
const RESTORE_TIMEOUT_MS = 600_000;
const POLL_MS = 20;
const MB = 1e6;

export async function run(): Promise<void> {
  console.log(
    `# state: state-window-job (tumbling 100 s event-time windows, ~1 M events per window, sum, p=1, ` +
      `${WINDOW_EVENTS} events) on rocksdb with ${LARGE_KEYS} keys vs hashmap and rocksdb with ${SMALL_KEYS} keys, ` +
      `events/s and events per CPU-second; savepoint and restore of ${FILL_KEYS} keys × ${VALUE_BYTES} B ` +
      `of RocksDB value state (file://, embedded runtime, one slot worker)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-state-'));
  let ok = false;
  try {
    await throughputFigures();
    await savepointFigures(dir);
    ok = true;
  } finally {
    if (ok) rmSync(dir, { recursive: true, force: true });
    else console.log(`# state: failed; savepoint and result files in ${dir}`);
  }
}

interface WindowRunResult {
  readonly name: string;
  /** Events per second of the job's net runtime. */
  readonly rate: number;
  /** Events per second of process CPU time (all threads). */
  readonly perCore: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

async function throughputFigures(): Promise<void> {
  const program = await StateLocalJob.load('state-window-job');
  await windowRun(program, 'hashmap', SMALL_KEYS, WARMUP_EVENTS);
  const rocksLarge = await windowRun(program, 'rocksdb', LARGE_KEYS, WINDOW_EVENTS);
  const heapSmall = await windowRun(program, 'hashmap', SMALL_KEYS, WINDOW_EVENTS);
  const rocksSmall = await windowRun(program, 'rocksdb', SMALL_KEYS, WINDOW_EVENTS);
  const described = [rocksLarge, heapSmall, rocksSmall].map(
    (r) =>
      `${r.name} ${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} CPU s ` +
      `(${(r.cpuSeconds / r.wallSeconds).toFixed(2)} cores)`,
  );
  console.log(`# state: ${described.join('; ')}; load average ${loadavg()[0]!.toFixed(1)}`);
  figure('state.rocksdb_10m_keys_throughput', rocksLarge.rate, 'events/s');
  figure('state.rocksdb_10m_keys_per_core', rocksLarge.perCore, 'events/s per core');
  figure('state.hashmap_100k_keys_throughput', heapSmall.rate, 'events/s');
  figure('state.hashmap_100k_keys_per_core', heapSmall.perCore, 'events/s per core');
  figure('state.rocksdb_100k_keys_per_core', rocksSmall.perCore, 'events/s per core');
  const ratio = rocksLarge.perCore / heapSmall.perCore;
  // figure() shows two decimals; the unit spells out the inverse so a ratio far below 1 stays legible.
  figure(
    'state.rocksdb_vs_hashmap_per_core',
    ratio,
    `(rocksdb 10 M keys vs hashmap 100 k keys = 1/${(1 / ratio).toFixed(1)})`,
  );
}

/** One bounded run of state-window-job; CPU and wall time from cluster start to its shutdown. */
async function windowRun(
  program: JobProgram,
  backend: 'hashmap' | 'rocksdb',
  keys: number,
  events: number,
): Promise<WindowRunResult> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const job = await StateLocalJob.start(program, [backend, String(keys), String(events)]);
  const result = await job.finished();
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (result.netRuntime <= 0)
    throw new Error(`the ${backend} job reported a net runtime of ${result.netRuntime} ms`);
  return {
    name: `${backend} ${keys} keys`,
    rate: (events / result.netRuntime) * 1000,
    perCore: events / cpuSeconds,
    wallSeconds,
    cpuSeconds,
  };
}

async function savepointFigures(dir: string): Promise<void> {
  const program = await StateLocalJob.load('state-fill-job');
  const fillPrefix = join(dir, 'fill');
  const fill = await StateLocalJob.start(program, [String(FILL_KEYS), fillPrefix]);
  let savepointPath: string;
  let savepointMs: number;
  let fillSeconds: number;
  try {
    const filled = await momentOf<Moment>(`${fillPrefix}.filled.json`, fill.master, FILL_TIMEOUT_MS);
    fillSeconds = (filled.at - fill.submittedAt) / 1000;
    const triggered = performance.now();
    savepointPath = await fill.master.triggerSavepoint(join(dir, 'savepoints'), false);
    savepointMs = performance.now() - triggered;
  } finally {
    await fill.cancel();
  }
  const directory = savepointPath.startsWith('file:') ? fileURLToPath(savepointPath) : savepointPath;
  const bytes = directorySize(directory);
  if (bytes < FILL_KEYS * VALUE_BYTES) {
    throw new Error(
      `the savepoint ${directory} holds ${bytes} bytes, less than ${FILL_KEYS} keys × ${VALUE_BYTES} B`,
    );
  }

  const restoredPrefix = join(dir, 'restored');
  const restored = await StateLocalJob.start(program, [String(FILL_KEYS), restoredPrefix], {
    savepoint: { path: savepointPath, allowNonRestoredState: false },
  });
  let first: FirstRead;
  try {
    first = await momentOf<FirstRead>(`${restoredPrefix}.first.json`, restored.master, RESTORE_TIMEOUT_MS);
  } finally {
    await restored.cancel();
  }
  if (!first.hadState) throw new Error('the restored job found no state for its first key');
  const restoreMs = first.at - restored.submittedAt;
  console.log(
    `# state: ${FILL_KEYS} keys had state after ${fillSeconds.toFixed(1)} s; savepoint ${directory}; ` +
      `load average ${loadavg()[0]!.toFixed(1)}`,
  );
  figure('state.savepoint_time', savepointMs, 'ms');
  figure('state.savepoint_size', bytes / MB, 'MB');
  figure('state.savepoint_throughput', bytes / MB / (savepointMs / 1000), 'MB/s');
  figure('state.restore_time', restoreMs, 'ms (submission → first record processed)');
  figure('state.restore_throughput', bytes / MB / (restoreMs / 1000), 'MB/s');
}

/** Reads the JSON a job writes into `file`; fails when the job stops running or the deadline passes. */
async function momentOf<T extends Moment>(file: string, master: JobMaster, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    // The job writes the file atomically (rename), so a partial file is never seen.
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
    if (master.status !== 'RUNNING')
      throw new Error(`the job is ${master.status} before ${file} was written`);
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${file}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Bytes of the regular files under `directory`. */
function directorySize(directory: string): number {
  let bytes = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}
