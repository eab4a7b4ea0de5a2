/**
 * `npm run bench -- nexmark [q…] [--events N] [--parallelism P] [--backends hashmap,rocksdb] [-m host:port]`:
 * the Nexmark queries of examples/nexmark/ (default all ten) on each state backend (default hashmap
 * and rocksdb), each a bounded run of N generated events (default 5 M) at parallelism P (default 2)
 * into the blackhole sink, with checkpoints every 10 s to a file:// directory in a temp dir.
 *
 * Embedded (default): each run is its own MiniCluster with slot worker threads (the `freshet run`
 * path), after one warm-up run per backend. events/s = N / processing seconds, where processing is
 * submission → end of processing: a bounded job with checkpoints waits after its input ended for
 * the next periodic checkpoint (up to 10 s of idling) before it is FINISHED, so the end is the last
 * busy moment of the process before the final checkpoint (see nexmark/cpu-activity.ts); the time to
 * FINISHED is printed beside it and kept in the JSON. per core = N / process CPU seconds over
 * submission → FINISHED (JobManager, TaskManager and slot workers are all threads of this process);
 * cores = CPU seconds / processing seconds.
 * With `-m`: each query is uploaded to that cluster and run through its REST API; events/s only,
 * over the cluster's job duration (the final checkpoint wait included).
 *
 * Prints `nexmark.qN: …` (hashmap) and `nexmark.qN.rocksdb: …` per run, a table beside Flink 2.0's
 * published per-core figures, and writes bench-results/nexmark.json and docs/nexmark.svg (with `-m`:
 * bench-results/nexmark-remote.json only).
 * A failing run prints `nexmark.qN: failed: <message>`; the others still run, the exit code is 1.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  NexmarkBenchArgumentError,
  parseNexmarkBenchArgs,
  type NexmarkBenchBackend,
  type NexmarkBenchOptions,
  type NexmarkBenchQuery,
} from './nexmark/nexmark-bench-args.js';
import { nexmarkChartSvg } from './nexmark/nexmark-chart.js';
import { comparisonTable, figureLine, type NexmarkRunOutcome } from './nexmark/nexmark-report.js';
import { describeMachine, nexmarkResultsDocument } from './nexmark/nexmark-results-file.js';
import {
  CHECKPOINT_INTERVAL,
  localRunner,
  remoteRunner,
  type NexmarkRunner,
  type PreparedNexmarkJob,
} from './nexmark/nexmark-runners.js';

const WARMUP_EVENTS = 200_000;

export async function run(args: readonly string[] = []): Promise<void> {
  let options: NexmarkBenchOptions;
  try {
    options = parseNexmarkBenchArgs(args);
  } catch (error) {
    if (!(error instanceof NexmarkBenchArgumentError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const root = repositoryRoot();
  const runner = options.jobmanager === undefined ? localRunner : remoteRunner(options.jobmanager);
  const loadAtStart = loadavg()[0] ?? 0;
  const warmupEvents = Math.min(WARMUP_EVENTS, options.events);
  console.log(
    `# nexmark: ${options.queries.join(' ')} on ${options.backends.join(', ')}; ${options.events} events per run, ` +
      `p=${options.parallelism}, blackhole sink, checkpoints every ${CHECKPOINT_INTERVAL} (file://), ` +
      (runner.mode === 'local'
        ? 'embedded cluster with slot workers; events/s over submission → end of processing ' +
          '(before the final checkpoint), per core = events / process CPU s'
        : `cluster ${options.jobmanager ?? ''}; events/s over the job's duration, CPU not measured`) +
      `; load average ${loadAtStart.toFixed(1)}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'freshet-bench-nexmark-'));
  const runs: NexmarkRunOutcome[] = [];
  try {
    await warmUp(runner, root, options, warmupEvents, dir);
    for (const query of options.queries) {
      let job: PreparedNexmarkJob;
      try {
        job = await runner.prepare(query, jobFileOf(root, query));
      } catch (error) {
        for (const backend of options.backends) report(runs, failed(query, backend, error));
        continue;
      }
      for (const backend of options.backends) {
        report(runs, await measure(job, query, backend, options, join(dir, `${query}-${backend}`)));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(
    `\nNexmark events/s per core beside Flink 2.0 (Nexmark V2), ${options.events} events per run:\n`,
  );
  console.log(comparisonTable(options.queries, options.backends, runs));
  // A remote run has no per-core figures: it keeps its own results file and leaves the chart alone.
  const resultsFile = join(
    root,
    'bench-results',
    runner.mode === 'local' ? 'nexmark.json' : 'nexmark-remote.json',
  );
  const document = nexmarkResultsDocument(
    options,
    runner.mode,
    warmupEvents,
    runs,
    describeMachine(loadAtStart),
    new Date(),
  );
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, await formattedJson(resultsFile, document));
  if (runner.mode === 'local') {
    const chartFile = join(root, 'docs', 'nexmark.svg');
    mkdirSync(dirname(chartFile), { recursive: true });
    const subtitle = `${options.events / 1e6} M events, p=${options.parallelism}, ${document.machine.cpuCount} cores`;
    writeFileSync(chartFile, nexmarkChartSvg(options.queries, options.backends, runs, subtitle));
    console.log(`\n# nexmark: wrote ${resultsFile} and ${chartFile}`);
  } else {
    console.log(`\n# nexmark: wrote ${resultsFile} (no chart: a remote run has no per-core figures)`);
  }
  const failures = runs.filter((r) => r.outcome === 'failed').length;
  if (failures > 0) {
    console.log(`# nexmark: ${failures} of ${runs.length} runs failed`);
    process.exitCode = 1;
  }
}

async function measure(
  job: PreparedNexmarkJob,
  query: NexmarkBenchQuery,
  backend: NexmarkBenchBackend,
  options: NexmarkBenchOptions,
  checkpointDir: string,
): Promise<NexmarkRunOutcome> {
  try {
    const timing = await job.run({
      backend,
      events: options.events,
      parallelism: options.parallelism,
      checkpointDir,
    });
    return { outcome: 'ok', query, backend, events: options.events, ...timing };
  } catch (error) {
    return failed(query, backend, error);
  } finally {
    rmSync(checkpointDir, { recursive: true, force: true });
  }
}

/** One small run per backend, so that the first measured run does not pay for cold caches. */
async function warmUp(
  runner: NexmarkRunner,
  root: string,
  options: NexmarkBenchOptions,
  events: number,
  dir: string,
): Promise<void> {
  const query = options.queries[0]!;
  try {
    const job = await runner.prepare(query, jobFileOf(root, query));
    for (const backend of options.backends) {
      const checkpointDir = join(dir, `warmup-${backend}`);
      await job.run({ backend, events, parallelism: options.parallelism, checkpointDir });
      rmSync(checkpointDir, { recursive: true, force: true });
    }
    console.log(`# nexmark: warmed up with ${query}, ${events} events on ${options.backends.join(', ')}`);
  } catch (error) {
    console.log(`# nexmark: the warm-up run of ${query} failed: ${messageOf(error)}`);
  }
}

function report(runs: NexmarkRunOutcome[], outcome: NexmarkRunOutcome): void {
  runs.push(outcome);
  console.log(figureLine(outcome));
  if (outcome.outcome === 'ok') {
    const cpu =
      outcome.cpuSeconds === undefined ? 'CPU not measured' : `${outcome.cpuSeconds.toFixed(1)} CPU s`;
    const checkpoints = outcome.checkpoints === undefined ? '' : `, ${outcome.checkpoints} checkpoints`;
    console.log(
      `#   ${outcome.query} ${outcome.backend}: ${outcome.processingSeconds.toFixed(1)} s processing, ` +
        `${outcome.wallSeconds.toFixed(1)} s to FINISHED${checkpoints}, ${cpu}; load average ${(loadavg()[0] ?? 0).toFixed(1)}`,
    );
  }
}

/** The document as JSON laid out as the repository's Prettier would (`npm run lint` checks it). */
async function formattedJson(file: string, document: unknown): Promise<string> {
  const prettier = await import('prettier');
  const config = await prettier.resolveConfig(file);
  return prettier.format(JSON.stringify(document), { ...config, filepath: file });
}

function failed(query: NexmarkBenchQuery, backend: NexmarkBenchBackend, error: unknown): NexmarkRunOutcome {
  return { outcome: 'failed', query, backend, message: messageOf(error) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function jobFileOf(root: string, query: NexmarkBenchQuery): string {
  const file = join(root, 'examples', 'nexmark', `${query}.ts`);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  return file;
}

/** The directory of Freshet's package.json above this file (the source tree or dist/). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'freshet'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json of freshet above the benchmark');
    dir = parent;
  }
}
