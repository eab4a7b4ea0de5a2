/**
 * A real session cluster: a JobManager and two TaskManager processes on loopback. Jobs are
 * submitted with the CLI (`freshet run -m`), which bundles, uploads and runs them; the JobManager
 * builds the graph in a worker, TaskManagers fetch the bundle and exchange records over TCP.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';
import { BAD_JOBS_DIR, JOBS_DIR, makeTempDir, runCli } from '../support/cli.js';
import {
  getJson,
  jobDetails,
  restAddress,
  startCluster,
  stopClusters,
  submittedJobId,
} from './session-cluster-support.js';

const RECORDS = 20_000;

/** The last (largest) running sum per key is the total of the numbers ≡ key (mod 10). */
function expectedSums(n: number): Map<number, number> {
  const sums = new Map<number, number>();
  for (let i = 1; i <= n; i++) sums.set(i % 10, (sums.get(i % 10) ?? 0) + i);
  return sums;
}

let cluster: LocalSessionCluster;

beforeAll(async () => {
  cluster = await startCluster(2, 2, { 'slot.request.timeout': 2000 });
}, 90_000);

afterAll(async () => {
  await stopClusters();
}, 30_000);

describe('session cluster: JobManager + 2 TaskManager processes', () => {
  it('runs a parallelism-4 job submitted with the CLI and shows it over REST', async () => {
    const out = makeTempDir('freshet-cluster-output-');
    try {
      const result = await runCli(
        [
          'run',
          '-m',
          restAddress(cluster),
          '-p',
          '4',
          join(JOBS_DIR, 'cluster-keyed-sum.ts'),
          '--',
          out.path,
          String(RECORDS),
        ],
        { timeoutMs: 60_000 },
      );
      expect(result.code, result.stderr).toBe(0);
      const output = result.stdout + result.stderr;
      const jobId = submittedJobId(output);
      expect(output).toContain(`Job with JobID ${jobId} has finished.`);

      // Output: one part file per sink subtask; the largest running sum per key is its total.
      const parts = readdirSync(out.path).filter((f) => f.startsWith('part-'));
      expect(parts).toHaveLength(4);
      const finalSums = new Map<number, number>();
      for (const part of parts) {
        for (const line of readFileSync(join(out.path, part), 'utf8').trim().split('\n')) {
          const { key, value } = JSON.parse(line) as { key: number; value: number };
          finalSums.set(key, Math.max(finalSums.get(key) ?? 0, value));
        }
      }
      expect(finalSums).toEqual(expectedSums(RECORDS));

      // REST: the cluster, the job and its vertices with their I/O counters.
      const overview = await getJson(cluster, '/overview');
      expect(overview).toMatchObject({ taskmanagers: 2, 'slots-total': 4, 'jobs-finished': 1 });
      const taskManagers = await getJson<{ taskmanagers: { slotsNumber: number }[] }>(
        cluster,
        '/taskmanagers',
      );
      expect(taskManagers.taskmanagers.map((tm) => tm.slotsNumber)).toEqual([2, 2]);
      const job = await jobDetails(cluster, jobId);
      expect(job.state).toBe('FINISHED');
      expect(job.vertices.map((v) => [v.parallelism, v.status])).toEqual([
        [4, 'FINISHED'],
        [4, 'FINISHED'],
        [4, 'FINISHED'],
      ]);
      const [source, tag, sink] = job.vertices;
      expect(source!.metrics['write-records']).toBe(RECORDS);
      expect(tag!.metrics['read-records']).toBe(RECORDS);
      expect(tag!.metrics['write-records']).toBe(RECORDS);
      expect(sink!.metrics['read-records']).toBe(RECORDS);
      expect(sink!.metrics['read-bytes']).toBe(tag!.metrics['write-bytes']);
      expect(sink!.metrics['read-records-complete']).toBe(true);

      const listed = await runCli(['list', '-m', restAddress(cluster), '-a'], { timeoutMs: 20_000 });
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(` : ${jobId} : cluster-keyed-sum \\(FINISHED\\)`));
    } finally {
      out.remove();
    }
  }, 90_000);

  it('fails a job that needs more slots than the cluster has after slot.request.timeout', async () => {
    const out = makeTempDir('freshet-cluster-output-');
    try {
      const result = await runCli(
        [
          'run',
          '-m',
          restAddress(cluster),
          '-p',
          '5',
          join(JOBS_DIR, 'cluster-keyed-sum.ts'),
          '--',
          out.path,
          '10',
        ],
        { timeoutMs: 60_000 },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/not enough slots: need 5, have 4/);
    } finally {
      out.remove();
    }
  }, 90_000);

  it('rejects a bundle whose main throws and a file that is not a bundle, and cancels unknown jobs with 404', async () => {
    const throwing = await runCli(
      ['run', '-m', restAddress(cluster), join(BAD_JOBS_DIR, 'syntax-error.js')],
      {
        timeoutMs: 30_000,
      },
    );
    expect(throwing.code).not.toBe(0);
    expect(throwing.stderr).toMatch(/freshet: error:/);

    const form = new FormData();
    form.append('jarfile', new Blob([Buffer.from('PK\u0003\u0004 not a bundle')]), 'job.jar');
    const upload = await fetch(`${cluster.restUrl}/jars/upload`, { method: 'POST', body: form });
    expect(upload.status).toBe(400);
    expect(((await upload.json()) as { errors: string[] }).errors.join(' ')).toMatch(/bundle/);

    const unknown = '0123456789abcdef0123456789abcdef';
    const cancel = await runCli(['cancel', '-m', restAddress(cluster), unknown], { timeoutMs: 20_000 });
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toMatch(/not found/);
    const missing = await fetch(`${cluster.restUrl}/jobs/${unknown}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errors: [expect.stringMatching(/not found/)] });
  }, 60_000);
});
