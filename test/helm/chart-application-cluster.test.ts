/**
 * The chart in application mode drives a real cluster: `helm template` with a bundle from a
 * ConfigMap, job arguments, parallelism and `high-availability.storageDir`; the rendered
 * `standalone-job` JobManager and the TaskManager run as local processes (the ConfigMap volume is a
 * local directory holding a bundle written by `freshet bundle`). The job runs under the fixed
 * application job ID, and a restarted JobManager container does not run it again. Needs
 * `npm run build` (dist/cli/main.js).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_DIR, killRunningClis, makeTempDir, runCli, waitFor } from '../support/cli.js';
import { renderChart, type KubeObject } from '../support/helm.js';
import { containerOf, jobManagerDeployment, podSpecOf } from './chart-objects.js';
import { startRenderedCluster, type RenderedCluster } from './rendered-cluster.js';

const APPLICATION_JOB_ID = '0'.repeat(32);
const BUNDLE_KEY = 'keyed-sum.bundle.js';
const BUNDLE_MOUNT = '/opt/freshet/usrlib';
const RECORDS = 1_000;

let objects: KubeObject[];
let cluster: RenderedCluster;
let output: string;
const dirs: { remove(): void }[] = [];

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir.path;
}

async function jobState(): Promise<string | undefined> {
  const response = await fetch(`${cluster.restUrl}/jobs/${APPLICATION_JOB_ID}`);
  if (!response.ok) return undefined;
  return ((await response.json()) as { state: string }).state;
}

function finalSums(dir: string): Map<number, number> {
  const sums = new Map<number, number>();
  for (const part of readdirSync(dir).filter((f) => f.startsWith('part-'))) {
    for (const line of readFileSync(join(dir, part), 'utf8').trim().split('\n')) {
      const { key, value } = JSON.parse(line) as { key: number; value: number };
      sums.set(key, Math.max(sums.get(key) ?? 0, value));
    }
  }
  return sums;
}

beforeAll(async () => {
  output = tempDir('freshet-chart-app-output-');
  const usrlib = tempDir('freshet-chart-usrlib-');
  const bundled = await runCli(
    ['bundle', join(JOBS_DIR, 'cluster-keyed-sum.ts'), '-o', join(usrlib, BUNDLE_KEY)],
    {
      timeoutMs: 60_000,
    },
  );
  if (bundled.code !== 0) throw new Error(`freshet bundle failed: ${bundled.stdout}${bundled.stderr}`);
  objects = await renderChart({
    mode: 'application',
    job: {
      bundle: { configMap: { name: 'jobs', key: BUNDLE_KEY } },
      parallelism: 2,
      args: [output, String(RECORDS)],
    },
    config: { 'high-availability.storageDir': pathToFileURL(tempDir('freshet-chart-ha-')).href },
    taskManager: { replicas: 1, numberOfTaskSlots: 2 },
  });
  cluster = await startRenderedCluster(objects, {
    confDir: tempDir('freshet-chart-app-conf-'),
    pathMappings: { [BUNDLE_MOUNT]: usrlib },
    readyWithinMs: 60_000,
  });
}, 120_000);

afterAll(() => {
  killRunningClis();
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('an application cluster started from the rendered chart', () => {
  it('mounts the bundle ConfigMap where the standalone-job args point', () => {
    const deployment = jobManagerDeployment(objects);
    const args = containerOf(deployment).args ?? [];
    expect(args.slice(0, 3)).toEqual(['standalone-job', '--bundle', `${BUNDLE_MOUNT}/${BUNDLE_KEY}`]);
    const volume = podSpecOf(deployment).volumes?.find((v) => v.configMap?.name === 'jobs');
    expect(containerOf(deployment).volumeMounts).toContainEqual(
      expect.objectContaining({ name: volume?.name, mountPath: BUNDLE_MOUNT }),
    );
  });

  it('runs the job of the bundle under the application job ID with the rendered arguments', async () => {
    let state: string | undefined;
    await waitFor(
      async () => {
        state = await jobState();
        if (state === 'FAILED' || state === 'CANCELED') throw new Error(`the application job ended ${state}`);
        return state === 'FINISHED';
      },
      60_000,
      () =>
        `the application job to finish (last state: ${state}); JobManager output:\n${cluster.jobManager.stdout().slice(-4000)}`,
      100,
    );
    const parts = readdirSync(output).filter((f) => f.startsWith('part-'));
    expect(parts).toHaveLength(2); // job.parallelism
    const expected = new Map<number, number>();
    for (let n = 1; n <= RECORDS; n++) expected.set(n % 10, (expected.get(n % 10) ?? 0) + n);
    expect(finalSums(output)).toEqual(expected);
  });

  it('does not run the finished job again when the JobManager container restarts', async () => {
    await cluster.restartJobManager();
    // Ready means the restarted JobManager has decided about the application job (recovered,
    // submitted or already ended, from the HA directory); a submitted job would be listed.
    const response = await fetch(`${cluster.restUrl}/jobs`);
    expect(await response.json()).toEqual({ jobs: [] });
    expect((await fetch(`${cluster.restUrl}/jobs/${APPLICATION_JOB_ID}`)).status).toBe(404);
  });
});
