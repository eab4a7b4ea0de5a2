/** ApplicationClusterEntrypoint in-process: the start-up decisions that need no TaskManager. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config/configuration.js';
import { silentLogger } from '../../common/logging/logger.js';
import { FileSystemHaServices } from '../ha/file-system-ha-services.js';
import { APPLICATION_JOB_ID, ApplicationClusterEntrypoint } from './application-cluster-entrypoint.js';

const dirs: string[] = [];
const entrypoints: ApplicationClusterEntrypoint[] = [];
afterEach(async () => {
  await Promise.all(entrypoints.splice(0).map((e) => e.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-application-test-'));
  dirs.push(dir);
  return dir;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function configuration(ha: string, uploads: string, restPort = 0): Configuration {
  return Configuration.fromMap({
    'rest.address': '127.0.0.1',
    'rest.port': restPort,
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': 0,
    'high-availability.storageDir': ha,
    'web.upload.dir': uploads,
  });
}

function start(config: Configuration, bundle: string): Promise<ApplicationClusterEntrypoint> {
  return ApplicationClusterEntrypoint.start({
    configuration: config,
    providedModules: {},
    logger: silentLogger(),
    version: 'test',
    application: {
      source: '/opt/app/job.bundle.js',
      fileName: 'job.bundle.js',
      bundle: Buffer.from(bundle),
      programArgs: [],
    },
  });
}

describe('ApplicationClusterEntrypoint', () => {
  it('uses the fixed application job ID', () => {
    expect(APPLICATION_JOB_ID).toBe('00000000000000000000000000000000');
  });

  it('does not run a job again whose result the HA directory holds', async () => {
    const ha = tempDir();
    const uploads = tempDir();
    new FileSystemHaServices(ha).jobResults.put({
      jobId: APPLICATION_JOB_ID,
      status: 'FINISHED',
      timestamp: 1,
    });

    const entrypoint = await start(configuration(ha, uploads), 'not even JavaScript ((');
    entrypoints.push(entrypoint);

    expect(entrypoint.applicationStart).toEqual({ kind: 'already-terminated', status: 'FINISHED' });
    expect(entrypoint.result).toBeUndefined();
    expect(entrypoint.cluster.dispatcher.listJobs()).toEqual([]);
    expect(readdirSync(uploads)).toEqual([]);
    const ready = await fetch(`${entrypoint.cluster.restUrl}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('fails the start with a user error naming the bundle when it is malformed, and frees its ports', async () => {
    const restPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const failure = start(configuration(tempDir(), tempDir(), restPort), 'not even JavaScript ((');

    await expect(failure).rejects.toMatchObject({
      code: 'MALFORMED_BUNDLE',
      domain: 'user',
      message: expect.stringContaining('cannot run the job bundle /opt/app/job.bundle.js') as unknown,
    });
    expect(await portIsFree(restPort)).toBe(true);
  });
});
