/**
 * Where a Nexmark query's example job runs: on the embedded local cluster (bundle once, then one
 * MiniCluster per run, the `freshet run` path) or, with `-m`, on a running cluster through its REST
 * API (bundle and upload once, then `POST /jars/:jarid/run` per run, the `freshet run -m` path).
 * Every run generates `events` events into the blackhole sink with checkpoints every 10 s.
 */
import { loadConfiguration } from '../../../common/config/config-loader.js';
import { bundleJobToTempFile } from '../../../cli/bundle/job-bundler.js';
import { loadJobProgram, type JobProgram } from '../../../cli/program/job-program.js';
import { awaitRemoteJobResult } from '../../../cli/remote/remote-job-result.js';
import { RestClusterClient } from '../../../cli/remote/rest-cluster-client.js';
import { pathToFileURL } from 'node:url';
import type { NexmarkBenchBackend, NexmarkBenchQuery } from './nexmark-bench-args.js';
import { runOnLocalCluster } from './nexmark-local-run.js';

/** `execution.checkpointing.interval` of every run. */
export const CHECKPOINT_INTERVAL = '10s';

export interface NexmarkRunRequest {
  readonly backend: NexmarkBenchBackend;
  readonly events: number;
  readonly parallelism: number;
  /** Where this run's checkpoints go (a local directory). */
  readonly checkpointDir: string;
}

export interface NexmarkRunTiming {
  readonly wallSeconds: number;
  readonly processingSeconds: number;
  readonly cpuSeconds: number | undefined;
  readonly checkpoints: number | undefined;
}

/** A query's job, ready to be run (bundled, and uploaded for a remote cluster). */
export interface PreparedNexmarkJob {
  run(request: NexmarkRunRequest): Promise<NexmarkRunTiming>;
}

export interface NexmarkRunner {
  readonly mode: 'local' | 'remote';
  prepare(query: NexmarkBenchQuery, jobFile: string): Promise<PreparedNexmarkJob>;
}

/** The example job's program arguments for a run (see examples/nexmark/nexmark-args.ts). */
export function nexmarkProgramArgs(request: Omit<NexmarkRunRequest, 'checkpointDir'>): string[] {
  return [
    '--events',
    String(request.events),
    '--parallelism',
    String(request.parallelism),
    '--sink',
    'blackhole',
    '--state-backend',
    request.backend,
  ];
}

/** The job configuration of a run: periodic checkpoints into a file:// directory. */
export function nexmarkJobConfiguration(checkpointDir: string): Record<string, string> {
  return {
    'execution.checkpointing.interval': CHECKPOINT_INTERVAL,
    'state.checkpoints.dir': pathToFileURL(checkpointDir).href,
  };
}

export const localRunner: NexmarkRunner = {
  mode: 'local',
  async prepare(_query, jobFile) {
    const program: JobProgram = await loadJobProgram(jobFile);
    return {
      run: (request) =>
        runOnLocalCluster({
          program,
          programArgs: nexmarkProgramArgs(request),
          configuration: nexmarkJobConfiguration(request.checkpointDir),
          parallelism: request.parallelism,
        }),
    };
  },
};

/**
 * Runs on the cluster whose REST endpoint `jobmanager` names. The wall time is the cluster's own
 * duration of the job (start → end, so it includes the wait for the final checkpoint); the
 * cluster's CPU time is not measured. Checkpoint directories are paths on this machine, so the
 * cluster's JobManager and TaskManagers must share its file system (a cluster on this machine).
 */
export function remoteRunner(jobmanager: string): NexmarkRunner {
  const client = RestClusterClient.fromConfiguration(loadConfiguration(), jobmanager);
  return {
    mode: 'remote',
    async prepare(_query, jobFile) {
      const jarId = await client.uploadJar(await bundleJobToTempFile(jobFile));
      return {
        async run(request) {
          const started = performance.now();
          const jobId = await client.runJar(jarId, {
            programArgsList: nexmarkProgramArgs(request),
            parallelism: request.parallelism,
            flinkConfiguration: nexmarkJobConfiguration(request.checkpointDir),
          });
          const result = await awaitRemoteJobResult(client, jobId, { intervalMs: 100 });
          if (result.status !== 'FINISHED') throw new Error(`job ${jobId} was cancelled`);
          const measured = (performance.now() - started) / 1000;
          const seconds = result.details.duration > 0 ? result.details.duration / 1000 : measured;
          return {
            wallSeconds: seconds,
            processingSeconds: seconds,
            cpuSeconds: undefined,
            checkpoints: undefined,
          };
        },
      };
    },
  };
}
