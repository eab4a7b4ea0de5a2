/**
 * `npm run bench -- windows`: keyed event-time windows on the local runtime (source and window
 * operator in one slot worker, i.e. one core) against a hand-written single loop computing the
 * same sums: 1 M events, 10 k keys, 10% out of order; both advance the watermark every 1000 events
 * to the highest timestamp so far minus the 1 s bound.
 *  - tumbling 10 s, sliding 10 s / 2 s (5 windows per event), sessions with a 1 s gap.
 *
 * `windows.<kind>.freshet` is the median of three runs (BENCH_RUNS) on a local session cluster
 * whose slot worker stays up between jobs, as a Flink session cluster's TaskManagers do, after one
 * warm-up job of the same kind (as benchmark harnesses run warm-up iterations first); the loops
 * likewise run warm-up iterations. `windows.<kind>.cold` is one job on a fresh cluster, whose slot
 * worker starts with the job and runs its first events before the JIT has compiled them. Job time
 * includes the job's deployment.
 */
import { OUT_OF_ORDERNESS, WATERMARK_EVERY, windowEvent } from './jobs/window-events.js';
import { BenchSessionCluster, figure, runJob, timeLoop } from './bench-runner.js';

const COUNT = Number(process.env['BENCH_RECORDS'] ?? 1_000_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

async function repeat(run: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await run());
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Tumbling/sliding baseline: per key and window start a sum; fire on watermark. */
function slidingBaseline(count: number, size: number, slide: number): number {
  let fired = 0;
  const ms = timeLoop(() => {
    const windows = new Map<number, Map<number, number>>(); // window start → key → sum
    let maxTs = Number.MIN_SAFE_INTEGER;
    for (let i = 0; i < count; i++) {
      const e = windowEvent(i);
      maxTs = Math.max(maxTs, e.ts);
      const lastStart = e.ts - (((e.ts % slide) + slide) % slide);
      for (let start = lastStart; start > e.ts - size; start -= slide) {
        let perKey = windows.get(start);
        if (perKey === undefined) windows.set(start, (perKey = new Map<number, number>()));
        perKey.set(e.key, (perKey.get(e.key) ?? 0) + e.value);
      }
      if (i % WATERMARK_EVERY === 0 || i === count - 1) {
        const watermark = i === count - 1 ? Number.MAX_SAFE_INTEGER : maxTs - OUT_OF_ORDERNESS - 1;
        for (const [start, perKey] of windows) {
          if (start + size - 1 <= watermark) {
            fired += perKey.size;
            windows.delete(start);
          }
        }
      }
    }
  });
  if (fired === 0) throw new Error('baseline fired nothing');
  return ms;
}

/** Session baseline: per key the open session [start, end) and its sum; close on watermark. */
function sessionBaseline(count: number, gap: number): number {
  let fired = 0;
  const ms = timeLoop(() => {
    const sessions = new Map<number, { start: number; end: number; sum: number }>();
    let maxTs = Number.MIN_SAFE_INTEGER;
    for (let i = 0; i < count; i++) {
      const e = windowEvent(i);
      maxTs = Math.max(maxTs, e.ts);
      const s = sessions.get(e.key);
      if (s !== undefined && e.ts < s.end && e.ts + gap > s.start) {
        s.start = Math.min(s.start, e.ts);
        s.end = Math.max(s.end, e.ts + gap);
        s.sum += e.value;
      } else {
        if (s !== undefined) fired++;
        sessions.set(e.key, { start: e.ts, end: e.ts + gap, sum: e.value });
      }
      if (i === count - 1) fired += sessions.size;
    }
  });
  if (fired === 0) throw new Error('baseline fired nothing');
  return ms;
}

export async function run(): Promise<void> {
  console.log(
    `# windows: ${COUNT} events, 10 k keys, 10% out of order, a watermark every ${WATERMARK_EVERY} events, parallelism 1 (one slot worker), median of ${RUNS} runs on a session cluster after a warm-up job; .cold: one job on a fresh cluster`,
  );
  const cases: Array<[string, () => number]> = [
    ['tumbling', () => slidingBaseline(COUNT, 10_000, 10_000)],
    ['sliding', () => slidingBaseline(COUNT, 10_000, 2_000)],
    ['session', () => sessionBaseline(COUNT, 1_000)],
  ];
  const cluster = await BenchSessionCluster.start(1);
  try {
    for (const [kind, baseline] of cases) {
      const coldMs = await runJob('window-job', [kind, String(COUNT)]);
      await cluster.runJob('window-job', [kind, String(COUNT)]); // warm-up
      // Medians of RUNS runs: the machines are shared and one run can be far off.
      const ms = median(await repeat(() => cluster.runJob('window-job', [kind, String(COUNT)])));
      baseline(); // warm-up
      const baseMs = median(await repeat(() => Promise.resolve(baseline())));
      figure(`windows.${kind}.freshet`, (COUNT / ms) * 1000, 'events/s');
      figure(`windows.${kind}.baseline`, (COUNT / baseMs) * 1000, 'events/s');
      figure(`windows.${kind}.ratio`, baseMs / ms, 'x');
      figure(`windows.${kind}.cold`, (COUNT / coldMs) * 1000, 'events/s');
    }
  } finally {
    await cluster.close();
  }
}
