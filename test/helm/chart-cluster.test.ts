/**
 * The chart drives a real session cluster: `helm template` (session mode, 1 TaskManager with 2
 * slots, S3 credentials from a chart-created Secret), then the rendered JobManager and TaskManager
 * containers run as local processes with the rendered args, env and config.yaml (only addresses and
 * ports changed). The test waits on the endpoints the rendered probes name, runs the `helm test`
 * pod's check, and submits a job with the CLI. Needs `npm run build` (dist/cli/main.js).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IPod } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_DIR, killRunningClis, makeTempDir, REPO_ROOT, runCli } from '../support/cli.js';
import { findObject, renderChart, type KubeObject } from '../support/helm.js';
import {
  containerOf,
  jobManagerDeployment,
  NAMES,
  renderedConfig,
  taskManagerWorkload,
} from './chart-objects.js';
import { IMAGE_CONF_DIR, probeUrl, startRenderedCluster, type RenderedCluster } from './rendered-cluster.js';
import { localProcessOf } from './rendered-process.js';

const VALUES = {
  taskManager: { replicas: 1, numberOfTaskSlots: 2 },
  s3: { accessKey: 'chart-test-access', secretKey: 'chart-test-secret' },
  config: { 'parallelism.default': 2 },
};
const RECORDS = 2_000;

let objects: KubeObject[];
let cluster: RenderedCluster;
const dirs: { remove(): void }[] = [];

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir.path;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${cluster.restUrl}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Runs the rendered `helm test` pod's command locally, its URL pointed at the local cluster. */
async function runHelmTestCheck(
  adjust: (args: string[]) => string[] = (args) => args,
): Promise<{ code: number | null; output: string }> {
  const container = (findObject(objects, 'Pod') as unknown as IPod).spec!.containers[0]!;
  expect(container.command).toEqual(['node']);
  const restPort = renderedConfig(objects)['rest.port'] as number;
  const args = (container.args ?? []).map((arg) =>
    arg.replace(`http://${NAMES.jobManager}:${restPort}/`, `${cluster.restUrl}/`),
  );
  expect(args).toContain(`${cluster.restUrl}/overview`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, adjust(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the helm test check did not exit within 30 s: ${output}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  objects = await renderChart(VALUES);
  cluster = await startRenderedCluster(objects, {
    confDir: tempDir('freshet-chart-conf-'),
    readyWithinMs: 60_000,
  });
}, 120_000);

afterAll(() => {
  killRunningClis();
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('a session cluster started from the rendered chart', () => {
  it('uses the conf dir of the image and overrides nothing but addresses and ports', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`FRESHET_CONF_DIR=${IMAGE_CONF_DIR}`);
    expect(dockerfile).toMatch(/ENTRYPOINT \["freshet"\]/);
    for (const define of cluster.overrides) {
      expect(define).toMatch(
        /^-D(jobmanager\.rpc\.address|jobmanager\.bind-host|rest\.address|rest\.bind-address|taskmanager\.bind-host|[a-z.-]+\.port)=/,
      );
    }
    expect(cluster.overrides).toContain('-Djobmanager.rpc.address=127.0.0.1');
    // The S3 credentials reach both processes from the chart-created Secret (secretKeyRef).
    for (const workload of [jobManagerDeployment(objects), taskManagerWorkload(objects)]) {
      const { env } = localProcessOf(containerOf(workload), objects, { podIp: '127.0.0.1' });
      expect(env).toMatchObject({
        AWS_ACCESS_KEY_ID: 'chart-test-access',
        AWS_SECRET_ACCESS_KEY: 'chart-test-secret',
      });
    }
  });

  it('answers the liveness probes of both containers', async () => {
    for (const container of [
      containerOf(jobManagerDeployment(objects)),
      containerOf(taskManagerWorkload(objects)),
    ]) {
      const response = await fetch(probeUrl(container, 'livenessProbe', cluster.ports));
      expect(response.status).toBe(200);
    }
  });

  it('registers the TaskManager under its pod IP with the rendered slots and data port', async () => {
    const overview = await getJson<Record<string, unknown>>('/overview');
    expect(overview).toMatchObject({ taskmanagers: 1, 'slots-total': 2 });
    const { taskmanagers } = await getJson<{
      taskmanagers: { path: string; dataPort: number; slotsNumber: number }[];
    }>('/taskmanagers');
    const dataPort = cluster.ports.get(renderedConfig(objects)['taskmanager.data.port'] as number);
    expect(taskmanagers).toEqual([
      expect.objectContaining({ path: 'ws://127.0.0.1', dataPort, slotsNumber: 2 }),
    ]);
  });

  it('passes the check of the helm test pod', async () => {
    const result = await runHelmTestCheck();
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`reports ${VALUES.taskManager.replicas} TaskManager(s)`);
  });

  it('fails the helm test check when /overview reports another TaskManager count', async () => {
    // The pod's args end with: url, expected TaskManagers, timeout in seconds.
    const result = await runHelmTestCheck((args) => [...args.slice(0, -2), '2', '1']);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /FAILED: .*\/overview did not report 2 TaskManager\(s\) within 1s; last: 200 /,
    );
  });

  it('runs a job submitted with `freshet run -m` on the rendered slots', async () => {
    const out = tempDir('freshet-chart-output-');
    const result = await runCli(
      ['run', '-m', cluster.restAddress, join(JOBS_DIR, 'cluster-keyed-sum.ts'), '--', out, String(RECORDS)],
      { timeoutMs: 90_000 },
    );
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(0);
    expect(output).toMatch(/Job with JobID [0-9a-f]{32} has finished\./);
    // parallelism.default 2 from the chart's config: one part file per sink subtask.
    const parts = readdirSync(out).filter((f) => f.startsWith('part-'));
    expect(parts).toHaveLength(2);
    const finalSums = new Map<number, number>();
    for (const part of parts) {
      for (const line of readFileSync(join(out, part), 'utf8').trim().split('\n')) {
        const { key, value } = JSON.parse(line) as { key: number; value: number };
        finalSums.set(key, Math.max(finalSums.get(key) ?? 0, value));
      }
    }
    const expected = new Map<number, number>();
    for (let n = 1; n <= RECORDS; n++) expected.set(n % 10, (expected.get(n % 10) ?? 0) + n);
    expect(finalSums).toEqual(expected);
  });
});
