/**
 * The recovery part of the checkpoint benchmark, on a local session cluster of real processes
 * (one JobManager, two TaskManagers with one slot each, so one is always spare): the recovery job
 * (checkpoint-recovery-job.ts) runs at parallelism 1 with checkpoints; after a checkpoint has
 * completed, the TaskManager running it is killed with SIGKILL, and the recovery time is from the
 * kill to the first record a sink writer of the restored attempt gets (it notes the moment itself,
 * in wall-clock ms, so there is no polling in the figure). A replacement TaskManager is started
 * before the next kill.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleJobToTempFile } from '../../../cli/bundle/job-bundler.js';
import type { ClusterProcess } from '../../../cli/cluster/cluster-process.js';
import { LocalSessionCluster } from '../../../cli/cluster/local-session-cluster.js';
import { RestClusterClient } from '../../../cli/remote/rest-cluster-client.js';
import { benchJobPath } from '../bench-runner.js';
import { waitUntil } from '../network-cluster.js';
import type { FirstRecord } from './checkpoint-probes.js';
import { wallClockMillis } from './network-records.js';

const RECORDS_PER_SECOND = 10_000;
const TIMEOUT_MS = 60_000;

export interface RecoverySample {
  /** SIGKILL → first record processed by the restored attempt, ms. */
  readonly recoveryMs: number;
  /** The checkpoint the job was restored from. */
  readonly restoredCheckpoint: number;
}

interface CheckpointingStatistics {
  readonly counts: { readonly completed: number; readonly restored: number };
  readonly latest: { readonly restored: { readonly id: number } | null };
}

interface JobVertices {
  readonly state: string;
  readonly vertices: ReadonlyArray<{ readonly parallelism: number; readonly tasks: Record<string, number> }>;
}

export async function measureRecovery(
  kills: number,
  checkpointIntervalMs: number,
  workDir: string,
): Promise<RecoverySample[]> {
  const markerDir = join(workDir, 'markers');
  mkdirSync(markerDir, { recursive: true });
  const cluster = await LocalSessionCluster.start({
    taskManagers: 2,
    logDir: join(workDir, 'logs'),
    configuration: {
      'rest.port': 0,
      'rest.address': '127.0.0.1',
      'jobmanager.rpc.port': 0,
      'jobmanager.rpc.address': '127.0.0.1',
      'taskmanager.host': '127.0.0.1',
      'taskmanager.numberOfTaskSlots': 1,
      'state.checkpoints.dir': `file://${join(workDir, 'checkpoints')}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': kills + 1,
      'restart-strategy.fixed-delay.delay': '0 ms',
    },
  });
  const rest = new RestClusterClient({ address: cluster.restUrl });
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${cluster.restUrl}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  try {
    const jarId = await rest.uploadJar(await bundleJobToTempFile(benchJobPath('checkpoint-recovery-job')));
    const args = [RECORDS_PER_SECOND, checkpointIntervalMs, markerDir].map(String);
    const jobId = await rest.runJar(jarId, { programArgsList: args, parallelism: 1 });
    const checkpoints = (): Promise<CheckpointingStatistics> =>
      get<CheckpointingStatistics>(`/jobs/${jobId}/checkpoints`);
    const samples: RecoverySample[] = [];
    for (let kill = 0; kill < kills; kill++) {
      await waitUntil(
        async () => {
          const job = await get<JobVertices>(`/jobs/${jobId}`);
          if (job.state === 'FAILED' || job.state === 'CANCELED') throw new Error(`the job is ${job.state}`);
          return job.state === 'RUNNING' && job.vertices.every((v) => v.tasks['RUNNING'] === v.parallelism);
        },
        TIMEOUT_MS,
        'every subtask RUNNING',
      );
      // Kill once a checkpoint of this attempt has completed, so that the restore has state to load.
      const before = await checkpoints();
      await waitUntil(
        async () => (await checkpoints()).counts.completed > before.counts.completed,
        TIMEOUT_MS,
        'a completed checkpoint',
      );
      const running = newestFirstRecord(markerDir);
      const victim = cluster.taskManagers.find((tm) => tm.running && tm.pid === running?.pid);
      if (running === undefined || victim === undefined)
        throw new Error(`no live TaskManager runs the job (its sink noted pid ${running?.pid})`);
      const killedAt = wallClockMillis();
      victim.child.kill('SIGKILL');
      let restored: FirstRecord | undefined;
      await waitUntil(
        () => (restored = firstRecordAfter(markerDir, killedAt, victim)) !== undefined,
        TIMEOUT_MS,
        'the first record after the restore',
      );
      const after = await checkpoints();
      if (after.counts.restored !== before.counts.restored + 1 || after.latest.restored === null)
        throw new Error(`expected one more restore from a checkpoint, got ${JSON.stringify(after.counts)}`);
      samples.push({ recoveryMs: restored!.at - killedAt, restoredCheckpoint: after.latest.restored.id });
      await cluster.startTaskManager(TIMEOUT_MS);
    }
    await rest.cancelJob(jobId);
    return samples;
  } finally {
    await cluster.stop(5_000); // the job goes with the cluster
  }
}

function firstRecords(markerDir: string): FirstRecord[] {
  return readdirSync(markerDir)
    .filter((name) => name.startsWith('first-') && name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(markerDir, name), 'utf8')) as FirstRecord);
}

function newestFirstRecord(markerDir: string): FirstRecord | undefined {
  return firstRecords(markerDir).reduce<FirstRecord | undefined>(
    (newest, r) => (newest === undefined || r.at > newest.at ? r : newest),
    undefined,
  );
}

function firstRecordAfter(
  markerDir: string,
  killedAt: number,
  victim: ClusterProcess,
): FirstRecord | undefined {
  return firstRecords(markerDir).find((r) => r.at > killedAt && r.pid !== victim.pid);
}
