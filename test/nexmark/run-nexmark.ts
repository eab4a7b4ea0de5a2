/** Runs a Nexmark query of examples/nexmark on the in-process mini-cluster and collects its output. */
import type { NexmarkConfig } from 'freshet/connectors';
import { runNexmarkQuery, type NexmarkQuery } from '../../examples/nexmark/nexmark-job.js';

/** The generator settings of the correctness tests: small, and spread over many windows. */
export interface NexmarkTestInput {
  readonly events: number;
  readonly tps: number;
  readonly seed: number;
}

export function testConfig(input: NexmarkTestInput): NexmarkConfig {
  return { events: input.events, tps: input.tps, seed: input.seed };
}

/** Other settings of the run; the default is the heap state backend without checkpoints. */
export interface NexmarkTestRun {
  readonly stateBackend?: 'hashmap' | 'rocksdb';
  readonly checkpointInterval?: number;
}

export async function collectQuery<R>(
  name: string,
  query: NexmarkQuery<R>,
  input: NexmarkTestInput,
  parallelism: number,
  run: NexmarkTestRun = {},
): Promise<R[]> {
  const { records } = await runNexmarkQuery(name, query, {
    events: input.events,
    tps: input.tps,
    seed: input.seed,
    rateLimit: undefined,
    parallelism,
    sink: 'collect',
    checkpointInterval: run.checkpointInterval ?? 0,
    stateBackend: run.stateBackend,
  });
  if (records === undefined) throw new Error('a collect run returned no records');
  return records;
}
