/**
 * `npm run bench -- network`: the data plane between TaskManager processes against a raw socket.
 *  (a) raw: ~100-byte records msgpackr-encoded in ~32 KiB batches (the data plane's codec) over
 *      loopback TCP to a child process that decodes them.
 *  (b) Freshet: datagen → keyBy → counting sink on a local session cluster (1 JobManager,
 *      2 TaskManagers × 1 slot), source and sink in different slot-sharing groups, so in
 *      different processes. Throughput is counted in the sink from the first record's arrival to
 *      the end of input (start-up and deployment do not count); bytes/s is records/s times the
 *      raw run's encoded bytes per record, so both ratios are equal and fair.
 *  Then end-to-end latency (generation → sink, wall clock) at ~50% of (b)'s rate with buffer
 *  timeout 0 and 100 ms, and the source TaskManager's RSS while the sink takes 1% of that rate.
 *
 * Env: BENCH_NETWORK_RECORDS (default 3 M); FRESHET_BENCH_QUICK=1 shortens the latency runs to
 * 5 s and samples RSS at 5 s / 15 s instead of 10 s / 60 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { encodeBatch } from '../../common/protocol/record-batch-codec.js';
import { figure } from './bench-runner.js';
import { networkRecord } from './jobs/network-records.js';
import type { LatencyResult, ThroughputResult } from './jobs/network-sinks.js';
import { NetworkBenchCluster, processMemoryMb, readResultFile } from './network-cluster.js';
import { runRawBaseline } from './network-raw-baseline.js';

const RECORDS = Number(process.env['BENCH_NETWORK_RECORDS'] ?? 3_000_000);
const QUICK = process.env['FRESHET_BENCH_QUICK'] === '1';
const LATENCY_RUN_MS = QUICK ? 5_000 : 10_000;
const LATENCY_WARMUP_MS = QUICK ? 1_000 : 2_000;
const RSS_EARLY_S = QUICK ? 5 : 10;
const RSS_LATE_S = QUICK ? 15 : 60;
const JOB_TIMEOUT_MS = 180_000;
const MB = 1e6;

interface PidFile {
  readonly pid: number;
}

/** The msgpack size of a record inside a full batch (the unit of all bytes/s figures). */
function encodedRecordBytes(): number {
  const values = Array.from({ length: 300 }, (_, i) => networkRecord(1_000_000 + i));
  return encodeBatch(values, null).byteLength / values.length;
}

export async function run(): Promise<void> {
  console.log(
    `# network: ${RECORDS} records of ~${Math.round(encodedRecordBytes())} bytes (msgpackr, ~32 KiB batches), ` +
      `raw loopback TCP process→process vs datagen → keyBy → sink across 2 TaskManager processes (p=1); ` +
      `latency at ~50% of max rate, ${LATENCY_RUN_MS / 1000} s runs; backpressure with the sink at 1%`,
  );
  await runRawBaseline(Math.max(10_000, Math.round(RECORDS / 10))); // warm-up, as for Freshet below
  const raw = await runRawBaseline(RECORDS);
  const rawRate = (raw.records / raw.ms) * 1000;
  const bytesPerRecord = raw.bytes / raw.records;
  figure('network.raw.records_per_s', rawRate, 'records/s');
  figure('network.raw.bytes_per_s', (rawRate * bytesPerRecord) / MB, 'MB/s');

  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-network-'));
  let cluster: NetworkBenchCluster;
  try {
    cluster = await NetworkBenchCluster.start(join(dir, 'logs'));
  } catch (error) {
    console.log(`# network: could not start the session cluster (logs in ${dir}/logs)`);
    throw error;
  }
  let ok = false;
  try {
    // Warm-up: bundling, upload, first deployment, JIT in both TaskManagers.
    await throughputRun(cluster, Math.max(10_000, Math.round(RECORDS / 10)), join(dir, 'warmup'));
    const result = await throughputRun(cluster, RECORDS, join(dir, 'throughput'));
    const rate = (result.records / (result.endAt - result.firstAt)) * 1000;
    figure('network.freshet.records_per_s', rate, 'records/s');
    figure('network.freshet.bytes_per_s', (rate * bytesPerRecord) / MB, 'MB/s');
    figure('network.ratio', rate / rawRate, 'x');

    const latencyRate = Math.max(1, Math.round(rate / 2));
    const achieved = new Map<number, number>();
    for (const bufferTimeout of [0, 100]) {
      const latency = await latencyRun(
        cluster,
        latencyRate,
        bufferTimeout,
        join(dir, `latency-${bufferTimeout}`),
      );
      latencyFigures(`network.latency.timeout_${bufferTimeout}`, latency, latencyRate);
      achieved.set(bufferTimeout, latency.rate);
    }
    // Flushing every record may not sustain half of the batched maximum; then the figures above
    // are those of a saturated (backpressured) pipeline, so measure also at half of what it did.
    const zeroMax = achieved.get(0) ?? latencyRate;
    if (zeroMax < 0.9 * latencyRate) {
      const sustainable = Math.max(1, Math.round(zeroMax / 2));
      const latency = await latencyRun(cluster, sustainable, 0, join(dir, 'latency-0-sustainable'));
      latencyFigures('network.latency.timeout_0_at_half_own_max', latency, sustainable);
    }

    const sinkRate = Math.max(1, Math.round(rate / 100));
    const memory = await backpressureRun(cluster, sinkRate, join(dir, 'backpressure'));
    figure(`network.backpressure.source_rss_${RSS_EARLY_S}s`, memory.early, 'MB');
    figure(`network.backpressure.source_rss_${RSS_LATE_S}s`, memory.late, 'MB');
    figure('network.backpressure.source_rss_growth', memory.late - memory.early, 'MB');
    figure('network.backpressure.source_peak_rss', memory.peak, `MB (sink at ${sinkRate} records/s)`);
    ok = true;
  } finally {
    await cluster.stop();
    if (ok) rmSync(dir, { recursive: true, force: true });
    else console.log(`# network: failed; logs and result files in ${dir}`);
  }
}

async function throughputRun(
  cluster: NetworkBenchCluster,
  records: number,
  prefix: string,
): Promise<ThroughputResult> {
  const jobId = await cluster.submit('network-throughput', [String(records), prefix]);
  await cluster.waitForFinished(jobId, JOB_TIMEOUT_MS);
  const result = await readResultFile<ThroughputResult>(`${prefix}.sink.json`, 10_000);
  const source = await readResultFile<PidFile>(`${prefix}.source.json`, 10_000);
  checkSeparateProcesses(cluster, source.pid, result.pid);
  if (result.records !== records)
    throw new Error(`the sink counted ${result.records} records, expected ${records}`);
  return result;
}

async function latencyRun(
  cluster: NetworkBenchCluster,
  rate: number,
  bufferTimeout: number,
  prefix: string,
): Promise<LatencyResult> {
  const args = [rate, LATENCY_RUN_MS, bufferTimeout, LATENCY_WARMUP_MS].map(String);
  const jobId = await cluster.submit('network-latency', [...args, prefix]);
  const result = await readResultFile<LatencyResult>(`${prefix}.sink.json`, LATENCY_RUN_MS + JOB_TIMEOUT_MS);
  // Written at the end of input: the job is finishing. Else the measuring time is up: stop it.
  if (result.endOfInput) await cluster.waitForFinished(jobId, JOB_TIMEOUT_MS);
  else await cluster.cancel(jobId, JOB_TIMEOUT_MS);
  const source = await readResultFile<PidFile>(`${prefix}.source.json`, 10_000);
  checkSeparateProcesses(cluster, source.pid, result.pid);
  if (result.measured === 0)
    throw new Error(`latency run (buffer timeout ${bufferTimeout}) measured no records`);
  return result;
}

function latencyFigures(name: string, latency: LatencyResult, targetRate: number): void {
  figure(`${name}.p50_ms`, latency.p50, 'ms');
  figure(`${name}.p99_ms`, latency.p99, 'ms');
  figure(`${name}.records_per_s`, latency.rate, `records/s (target ${targetRate})`);
}

/** Samples the source TaskManager's RSS from the source's first record on; cancels the job. */
async function backpressureRun(
  cluster: NetworkBenchCluster,
  sinkRate: number,
  prefix: string,
): Promise<{ early: number; late: number; peak: number }> {
  const jobId = await cluster.submit('network-backpressure', [String(sinkRate), prefix]);
  const source = await readResultFile<PidFile>(`${prefix}.source.json`, JOB_TIMEOUT_MS);
  const sink = await readResultFile<PidFile>(`${prefix}.sink.json`, JOB_TIMEOUT_MS);
  checkSeparateProcesses(cluster, source.pid, sink.pid);
  const started = performance.now();
  const rssAt = async (seconds: number): Promise<number> => {
    await delay(Math.max(0, started + seconds * 1000 - performance.now()));
    return processMemoryMb(source.pid).rss;
  };
  const early = await rssAt(RSS_EARLY_S);
  const late = await rssAt(RSS_LATE_S);
  const peak = processMemoryMb(source.pid).peak;
  const details = await cluster.client.jobDetails(jobId);
  if (details.status !== 'RUNNING')
    throw new Error(`backpressure job is ${details.status}, expected RUNNING`);
  await cluster.cancel(jobId, JOB_TIMEOUT_MS);
  return { early, late, peak };
}

function checkSeparateProcesses(cluster: NetworkBenchCluster, sourcePid: number, sinkPid: number): void {
  const pids = cluster.taskManagerPids();
  if (sourcePid === sinkPid || !pids.includes(sourcePid) || !pids.includes(sinkPid)) {
    throw new Error(
      `source (pid ${sourcePid}) and sink (pid ${sinkPid}) must run in the two TaskManagers (${pids.join(', ')})`,
    );
  }
}
