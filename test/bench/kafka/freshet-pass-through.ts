/**
 * The Kafka benchmark's Freshet side: the pass-through job (kafka-pass-through-job.ts) on the
 * embedded local cluster with worker slots (the `freshet run` path), bounded to time its
 * throughput, or unbounded for the latency run.
 */
import { fileURLToPath } from 'node:url';
import { loadJobProgram, type JobProgram } from '../../../cli/program/job-program.js';
import { LocalJobHandle, startLocalJob } from '../jobs/local-job-handle.js';
import { runOnLocalCluster } from '../nexmark/nexmark-local-run.js';
import type { PassThroughTiming } from './raw-pass-through.js';

export const PARALLELISM = 2;

// Job sources stay TypeScript (bundled like any user job), found from the compiled file in dist/.
const JOB_FILE = fileURLToPath(
  new URL('../../../../test/bench/kafka/kafka-pass-through-job.ts', import.meta.url),
);

export function loadPassThroughJob(): Promise<JobProgram> {
  return loadJobProgram(JOB_FILE);
}

/** Runs the bounded job over everything in `input`; timed from submission to the end of processing. */
export async function freshetPassThrough(
  program: JobProgram,
  bootstrapServers: string,
  input: string,
  output: string,
  records: number,
): Promise<PassThroughTiming> {
  const timing = await runOnLocalCluster({
    program,
    programArgs: [
      bootstrapServers,
      input,
      output,
      'bounded',
      `bench-freshet-${Date.now()}`,
      String(PARALLELISM),
    ],
    configuration: {},
    parallelism: PARALLELISM,
  });
  return { records, wallSeconds: timing.processingSeconds, cpuSeconds: timing.cpuSeconds };
}

/** Starts the unbounded job; cancel it with the handle. */
export async function startUnboundedPassThrough(
  program: JobProgram,
  bootstrapServers: string,
  input: string,
  output: string,
): Promise<LocalJobHandle> {
  const started = await startLocalJob(program, [
    bootstrapServers,
    input,
    output,
    'unbounded',
    `bench-latency-${Date.now()}`,
    String(PARALLELISM),
  ]);
  return new LocalJobHandle(started.master, started.program);
}
