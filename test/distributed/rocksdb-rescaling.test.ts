/**
 * The acceptance scenario of RocksDB state, savepoints and rescaling, on a session cluster of
 * processes with S3 storage (a real S3-protocol server): Flink's rescaling job (42 keys × 1000
 * elements, maxParallelism 13, count and sum per key) runs at parallelism 2; a savepoint is taken
 * over REST and the job stopped; the job is restored from it at parallelism 3 and, separately, at
 * parallelism 1, with 500 more elements per key. Every key's final sum is 1500·k, reported once,
 * by the subtask that owns its key group at the new parallelism. Run on RocksDB throughout, and
 * from a hashmap savepoint into RocksDB (the job's `-D state.backend.type=rocksdb` wins).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../common/checkpoint/s3-client-factory.js';
import { assignToKeyGroup, computeOperatorIndexForKeyGroup } from '../../common/key-groups.js';
import { JOBS_DIR, makeTempDir, runCli, waitFor } from '../support/cli.js';
import { committedS3Rows } from '../support/s3-objects.js';
import { startS3TestServer, type S3TestServer } from '../support/s3-test-server.js';
import {
  getJson,
  jobDetails,
  restAddress,
  startCluster,
  stopClusters,
  submittedJobId,
} from './session-cluster-support.js';
import type { LocalSessionCluster } from '../../cli/cluster/local-session-cluster.js';

const KEYS = 42;
const MAX_PARALLELISM = 13;

interface Report {
  readonly subtask: number;
  readonly key: number;
  readonly count: number;
  readonly sum: number;
}

let server: S3TestServer | undefined;
const dirs: { remove(): void }[] = [];
const clients: S3Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await stopClusters();
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) dir.remove();
}, 30_000);

/** The slots' RocksDB directories (each with the database's CURRENT file) under `root`. */
function rocksDBInstances(root: string): string[] {
  return readdirSync(root).filter(
    (name) => name.startsWith('freshet-rocksdb-') && existsSync(join(root, name, 'CURRENT')),
  );
}

describe('RocksDB state through a savepoint on S3, restored at other parallelisms', () => {
  it.each<['rocksdb' | 'hashmap']>([['rocksdb'], ['hashmap']])(
    'a %s savepoint restores into RocksDB at parallelism 3 and at 1 with exact sums per key',
    async (firstBackend) => {
      server = await startS3TestServer();
      const s3 = {
        's3.endpoint': server.endpoint,
        's3.path.style.access': 'true',
        's3.access-key': server.accessKey,
        's3.secret-key': server.secretKey,
        's3.region': 'us-east-1',
      };
      const client = createS3Client({
        endpoint: server.endpoint,
        pathStyleAccess: true,
        accessKey: server.accessKey,
        secretKey: server.secretKey,
        region: 'us-east-1',
      });
      clients.push(client);
      const bucket = server.bucket;
      const localState = makeTempDir('freshet-local-state-');
      dirs.push(localState);
      const cluster = await startCluster(2, 2, {
        ...s3,
        'taskmanager.state.local.root-dirs': localState.path,
        'state.backend.type': firstBackend,
        'state.checkpoints.dir': `s3://${bucket}/checkpoints`,
        'state.savepoints.dir': `s3://${bucket}/savepoints`,
      });
      const reports = async (prefix: string): Promise<Report[]> =>
        (await committedS3Rows(client, bucket, prefix, () => undefined)).map(
          (row) => JSON.parse(row) as Report,
        );

      const first = await run(cluster, 2, ['1000', `s3://${bucket}/first/`, 'first']);
      await waitFor(
        async () => (await reports('first/')).filter((r) => r.count === 1000).length === KEYS,
        90_000,
        'every key counted to 1000 and committed',
        200,
      );
      // Where keyed state lives while the job runs: RocksDB instances of the slots, or none.
      expect(rocksDBInstances(localState.path).length > 0).toBe(firstBackend === 'rocksdb');
      const savepoint = await savepointAndCancel(cluster, first);
      expect(savepoint).toMatch(
        new RegExp(`^s3://${bucket}/savepoints/savepoint-${first.slice(0, 6)}-[0-9a-f]{12}$`),
      );
      const firstReports = await reports('first/');
      expectOwnedReports(firstReports, 1000, 2);

      for (const parallelism of [3, 1]) {
        const prefix = `second-p${parallelism}/`;
        const second = await run(
          cluster,
          parallelism,
          ['500', `s3://${bucket}/${prefix}`, `second-p${parallelism}`],
          ['-s', savepoint, '-n', '-D', 'state.backend.type=rocksdb'],
        );
        await waitFor(
          async () => (await reports(prefix)).filter((r) => r.count === 1500).length === KEYS,
          90_000,
          `every key counted to 1500 at parallelism ${parallelism}`,
          200,
        );
        expect(rocksDBInstances(localState.path).length).toBeGreaterThan(0);
        await cancel(cluster, second);
        const restored = await reports(prefix);
        // Counting went on from the savepoint: nothing below 1500 is reported again.
        expect(restored.every((r) => r.count === 1500)).toBe(true);
        expectOwnedReports(restored, 1500, parallelism);
      }
    },
    300_000,
  );
});

/** One report per key at `count`, with sum count·k, from the subtask owning the key's key group. */
function expectOwnedReports(reports: readonly Report[], count: number, parallelism: number): void {
  const atCount = reports.filter((r) => r.count === count).sort((a, b) => a.key - b.key);
  expect(atCount.map((r) => r.key)).toEqual(Array.from({ length: KEYS }, (_, k) => k));
  for (const r of atCount) {
    expect(r.sum, `key ${r.key}`).toBe(count * r.key);
    const owner = computeOperatorIndexForKeyGroup(
      MAX_PARALLELISM,
      parallelism,
      assignToKeyGroup(r.key, MAX_PARALLELISM),
    );
    expect(r.subtask, `subtask of key ${r.key}`).toBe(owner);
  }
}

async function run(
  cluster: LocalSessionCluster,
  parallelism: number,
  programArgs: readonly string[],
  options: readonly string[] = [],
): Promise<string> {
  const result = await runCli(
    [
      'run',
      '-d',
      '-m',
      restAddress(cluster),
      '-p',
      String(parallelism),
      ...options,
      join(JOBS_DIR, 'rescaling-keyed-sums.ts'),
      '--',
      ...programArgs,
    ],
    { timeoutMs: 60_000 },
  );
  expect(result.code, result.stdout + result.stderr).toBe(0);
  return submittedJobId(result.stdout + result.stderr);
}

async function savepointAndCancel(cluster: LocalSessionCluster, jobId: string): Promise<string> {
  const trigger = await fetch(`${cluster.restUrl}/jobs/${jobId}/savepoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ 'cancel-job': true }),
  });
  expect(trigger.status).toBe(202);
  const { 'request-id': requestId } = (await trigger.json()) as { 'request-id': string };
  let location = '';
  await waitFor(
    async () => {
      const status = await getJson<{
        status: { id: string };
        operation: { location?: string; 'failure-cause'?: unknown } | null;
      }>(cluster, `/jobs/${jobId}/savepoints/${requestId}`);
      if (status.operation?.['failure-cause'] !== undefined) {
        throw new Error(`the savepoint failed: ${JSON.stringify(status.operation['failure-cause'])}`);
      }
      location = status.operation?.location ?? '';
      return status.status.id === 'COMPLETED';
    },
    60_000,
    'the savepoint',
    100,
  );
  await waitFor(async () => (await jobDetails(cluster, jobId)).state === 'CANCELED', 30_000, 'CANCELED');
  return location;
}

async function cancel(cluster: LocalSessionCluster, jobId: string): Promise<void> {
  await fetch(`${cluster.restUrl}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
  await waitFor(async () => (await jobDetails(cluster, jobId)).state === 'CANCELED', 30_000, 'CANCELED');
}
