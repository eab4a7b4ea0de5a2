/**
 * `npm run bench -- local`: the local runtime against hand-written loops doing the same work.
 *  - chained: datagen → map → filter in one chained task (5 M records) vs one plain loop.
 *  - keyed: datagen → keyBy → sum with a channel between two slot workers (5 M records, 10 k keys)
 *    vs a plain loop with a Map, and vs msgpackr batch encode+decode of the same records (the
 *    serialization ceiling for anything crossing threads).
 */
import { Packr } from 'msgpackr';
import { benchFilter, benchGenerator, benchMap, type BenchEvent } from './jobs/bench-functions.js';
import { figure, runJob, timeLoop } from './bench-runner.js';

/** Records per run; the chained pipeline gets 4× as many so start-up (~50 ms) weighs little. */
const COUNT = Number(process.env['BENCH_RECORDS'] ?? 5_000_000);
const CHAINED_COUNT = 4 * COUNT;

function chainedBaseline(count: number): number {
  let kept = 0;
  return timeLoop(() => {
    for (let i = 0; i < count; i++) {
      const mapped = benchMap(benchGenerator(i));
      if (benchFilter(mapped)) kept++;
    }
    if (kept < 0) throw new Error('unreachable');
  });
}

function keyedBaseline(count: number): number {
  const sums = new Map<number, BenchEvent>();
  return timeLoop(() => {
    for (let i = 0; i < count; i++) {
      const event = benchGenerator(i);
      const current = sums.get(event.key);
      sums.set(event.key, current === undefined ? event : { ...current, value: current.value + event.value });
    }
  });
}

function serializationCeiling(count: number): number {
  const packr = new Packr({ useRecords: true, moreTypes: true });
  const batch = 1024;
  return timeLoop(() => {
    for (let i = 0; i < count; i += batch) {
      const records: BenchEvent[] = [];
      for (let j = i; j < Math.min(count, i + batch); j++) records.push(benchGenerator(j));
      const bytes = Uint8Array.prototype.slice.call(packr.pack([records, null]));
      void (packr.unpack(bytes) as unknown[]).length;
    }
  });
}

export async function run(): Promise<void> {
  console.log(
    `# local: chained ${CHAINED_COUNT} records, keyed ${COUNT} records (10 k keys), parallelism 1, job time includes start-up`,
  );
  await runJob('chained-pipeline', ['100000']); // warm-up (bundling, worker start)
  const chainedMs = await runJob('chained-pipeline', [String(CHAINED_COUNT)]);
  // Steady state: the extra time a job with twice the records takes (start-up cancels out).
  const chainedDoubleMs = await runJob('chained-pipeline', [String(2 * CHAINED_COUNT)]);
  const steadyRate = (CHAINED_COUNT / Math.max(chainedDoubleMs - chainedMs, 1)) * 1000;
  const chainedBaseMs = chainedBaseline(CHAINED_COUNT);
  const baseRate = (CHAINED_COUNT / chainedBaseMs) * 1000;
  figure('local.chained.freshet', (CHAINED_COUNT / chainedMs) * 1000, 'records/s');
  figure('local.chained.freshet-steady', steadyRate, 'records/s');
  figure('local.chained.baseline', baseRate, 'records/s');
  figure('local.chained.ratio', chainedBaseMs / chainedMs, 'x');
  figure('local.chained.ratio-steady', steadyRate / baseRate, 'x');

  const keyedMs = await runJob('keyed-sum', [String(COUNT)]);
  const keyedBaseMs = keyedBaseline(COUNT);
  const ceilingMs = serializationCeiling(COUNT);
  figure('local.keyed.freshet', (COUNT / keyedMs) * 1000, 'records/s');
  figure('local.keyed.baseline', (COUNT / keyedBaseMs) * 1000, 'records/s');
  figure('local.keyed.msgpackr-ceiling', (COUNT / ceilingMs) * 1000, 'records/s');
  figure('local.keyed.ratio', keyedBaseMs / keyedMs, 'x');
}
