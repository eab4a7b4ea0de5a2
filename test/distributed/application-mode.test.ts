/**
 * Application mode (`freshet standalone-job`) with real processes: a JobManager that runs the one
 * job of its bundle under job ID 000…0, with `high-availability.storageDir` and file:// checkpoints,
 * plus a `freshet taskmanager` with its health endpoint. Killing the JobManager with SIGKILL and
 * starting it again with the same command resumes the job from its latest checkpoint without a
 * second submission; a job that finished is not run again after a restart; a missing bundle is a
 * usage error.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterProcess } from '../../cli/cluster/cluster-process.js';
import { JOBS_DIR, makeTempDir, runCli, waitFor } from '../support/cli.js';
import { committedLocalRows, expectedWindowRows } from './windows-job-output.js';

const JOB_ID = '0'.repeat(32);
const BUNDLE = join(JOBS_DIR, 'application-windows.ts');

const processes: ClusterProcess[] = [];
const dirs: { path: string; remove(): void }[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  for (const dir of dirs.splice(0)) dir.remove();
}, 30_000);

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir.path;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function defines(settings: Readonly<Record<string, string | number>>): string[] {
  return Object.entries(settings).flatMap(([key, value]) => ['-D', `${key}=${value}`]);
}

interface Setup {
  readonly restUrl: string;
  readonly logs: string;
  /** The `standalone-job` command line, the same for every start. */
  readonly jobManagerArgs: readonly string[];
  readonly taskManagerArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

async function setUp(programArgs: readonly string[]): Promise<Setup> {
  const [restPort, rpcPort] = [await freePort(), await freePort()];
  const logs = tempDir('freshet-app-logs-');
  const common = {
    'jobmanager.rpc.address': '127.0.0.1',
    'jobmanager.rpc.port': rpcPort,
    'heartbeat.interval': 300,
    'heartbeat.timeout': 3000,
  };
  return {
    restUrl: `http://127.0.0.1:${restPort}`,
    logs,
    env: { FRESHET_CONF_DIR: logs },
    jobManagerArgs: [
      'standalone-job',
      '--bundle',
      BUNDLE,
      '-p',
      '2',
      ...defines({
        ...common,
        'rest.address': '127.0.0.1',
        'rest.port': restPort,
        'high-availability.storageDir': tempDir('freshet-app-ha-'),
        'state.checkpoints.dir': `file://${tempDir('freshet-app-ckpt-')}`,
        'execution.checkpointing.interval': '200 ms',
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 10,
        'restart-strategy.fixed-delay.delay': '200 ms',
      }),
      '--',
      ...programArgs,
    ],
    taskManagerArgs: [
      'taskmanager',
      ...defines({
        ...common,
        'taskmanager.host': '127.0.0.1',
        'taskmanager.numberOfTaskSlots': 2,
        'taskmanager.health.port': 0,
      }),
    ],
  };
}

let starts = 0;
function spawn(setup: Setup, name: string, args: readonly string[]): ClusterProcess {
  const child = ClusterProcess.spawn(name, args, join(setup.logs, `${name}-${++starts}.log`), setup.env);
  processes.push(child);
  return child;
}

/** Starts the JobManager and waits until `/readyz` says it finished starting up. */
async function startJobManager(setup: Setup): Promise<ClusterProcess> {
  const jobManager = spawn(setup, 'jobmanager', setup.jobManagerArgs);
  await jobManager.waitForLine((line) => typeof line['restUrl'] === 'string', 30_000, 'JobManager start');
  expect(await status(`${setup.restUrl}/readyz`)).toBe(200);
  expect(await status(`${setup.restUrl}/healthz`)).toBe(200);
  return jobManager;
}

/** Starts the TaskManager and returns the URL of its health endpoint. */
async function startTaskManager(setup: Setup): Promise<string> {
  const taskManager = spawn(setup, 'taskmanager', setup.taskManagerArgs);
  const started = await taskManager.waitForLine(
    (line) => typeof line['healthPort'] === 'number',
    30_000,
    'TaskManager start',
  );
  return `http://127.0.0.1:${started['healthPort'] as number}`;
}

async function status(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url)).status;
  } catch {
    return undefined;
  }
}

async function getJson<T>(setup: Setup, path: string): Promise<T> {
  const response = await fetch(`${setup.restUrl}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface JobsOverview {
  readonly jobs: readonly { readonly jid: string; readonly state: string }[];
}

interface CheckpointCounts {
  readonly counts: { readonly completed: number; readonly restored: number };
  readonly latest: { readonly restored: { readonly id: number } | null };
}

async function waitForJobState(setup: Setup, state: string, timeoutMs: number): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const overview = await getJson<JobsOverview>(setup, '/jobs/overview').catch(() => undefined);
      last = JSON.stringify(overview);
      return overview?.jobs.some((job) => job.jid === JOB_ID && job.state === state) === true;
    },
    timeoutMs,
    () => `job ${JOB_ID} in state ${state} (last: ${last})`,
    100,
  );
}

function submissions(jobManager: ClusterProcess): number {
  return jobManager.lines.filter((line) => /^submitted application job/.test(line.msg ?? '')).length;
}

describe('application mode (freshet standalone-job)', () => {
  it('resumes its job from the latest checkpoint after a SIGKILL, without submitting it again', async () => {
    const events = 6000;
    const output = tempDir('freshet-app-out-');
    const setup = await setUp([String(events), '1200', output]);
    const first = await startJobManager(setup);
    const taskManagerHealth = await startTaskManager(setup);
    expect(submissions(first)).toBe(1);
    await waitFor(
      async () => (await status(`${taskManagerHealth}/readyz`)) === 200,
      10_000,
      'TaskManager ready',
    );
    await waitFor(
      async () =>
        (await getJson<CheckpointCounts>(setup, `/jobs/${JOB_ID}/checkpoints`)).counts.completed >= 2,
      30_000,
      'two completed checkpoints',
      50,
    );

    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(
      async () => (await status(`${taskManagerHealth}/readyz`)) === 503,
      10_000,
      'TaskManager not ready without its JobManager',
    );
    expect(await status(`${taskManagerHealth}/healthz`)).toBe(200);

    const second = await startJobManager(setup);
    expect(second.lines.some((line) => /was recovered from the HA directory/.test(line.msg ?? ''))).toBe(
      true,
    );
    expect(submissions(second)).toBe(0);
    await waitFor(
      async () => (await status(`${taskManagerHealth}/readyz`)) === 200,
      10_000,
      'TaskManager registered again',
    );
    await waitForJobState(setup, 'FINISHED', 40_000);

    const overview = await getJson<JobsOverview>(setup, '/jobs/overview');
    expect(overview.jobs.map((job) => job.jid)).toEqual([JOB_ID]);
    const checkpoints = await getJson<CheckpointCounts>(setup, `/jobs/${JOB_ID}/checkpoints`);
    expect(checkpoints.counts.restored).toBeGreaterThanOrEqual(1);
    expect(checkpoints.latest.restored?.id).toBeGreaterThanOrEqual(2);
    const rows = await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(events));
    // The JobManager outlives its job.
    expect(second.running).toBe(true);
  }, 60_000);

  it('does not run a job again that finished before the JobManager restarted', async () => {
    const events = 400;
    const output = tempDir('freshet-app-out-');
    const setup = await setUp([String(events), '2000', output]);
    const first = await startJobManager(setup);
    await startTaskManager(setup);
    await waitForJobState(setup, 'FINISHED', 30_000);
    await first.waitForLine(
      (line) => /FINISHED; the JobManager keeps running/.test(line.msg ?? ''),
      5000,
      'outcome',
    );
    expect(first.running).toBe(true);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = await startJobManager(setup);

    expect(second.lines.some((line) => /already ended FINISHED/.test(line.msg ?? ''))).toBe(true);
    expect(submissions(second)).toBe(0);
    expect((await getJson<JobsOverview>(setup, '/jobs/overview')).jobs).toEqual([]);
    const rows = await committedLocalRows(output, (name) => expect.fail(`unexpected file ${name}`));
    expect(rows).toEqual(expectedWindowRows(events));
  }, 60_000);

  it('exits with code 2 and names a bundle that does not exist', async () => {
    const missing = join(tempDir('freshet-app-missing-'), 'no-such-job.bundle.js');
    const result = await runCli(['standalone-job', '--bundle', missing, '-D', 'rest.port=0'], {
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
  }, 60_000);
});
