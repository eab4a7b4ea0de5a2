/**
 * A session cluster on this machine for trying things out (`freshet cluster`) and for tests and
 * benchmarks: one `freshet jobmanager` and N `freshet taskmanager` child processes, on the ports
 * the configuration names (or free ones: pass `rest.port`/`jobmanager.rpc.port` 0). Resolves once
 * every TaskManager has registered.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { ClusterProcess, type LogLine } from './cluster-process.js';

export interface LocalSessionClusterOptions {
  readonly taskManagers: number;
  /** `-D key=value` settings for every process. */
  readonly configuration: Readonly<Record<string, string | number>>;
  /** Extra settings per TaskManager (by index). */
  readonly taskManagerConfiguration?: (index: number) => Readonly<Record<string, string | number>>;
  readonly logDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly startTimeoutMs?: number;
}

export class LocalSessionCluster {
  private jobManagerStarts = 1;

  private constructor(
    public jobManager: ClusterProcess,
    readonly taskManagers: ClusterProcess[],
    readonly restUrl: string,
    readonly rpcPort: number,
    private readonly options: LocalSessionClusterOptions,
  ) {}

  /**
   * Starts a new JobManager on the same RPC and REST ports after the previous one ended (with
   * `high-availability.storageDir` set it resumes the jobs); TaskManagers register with it again.
   */
  async restartJobManager(timeoutMs = 60_000): Promise<ClusterProcess> {
    const start = ++this.jobManagerStarts;
    const settings = {
      ...this.options.configuration,
      'jobmanager.rpc.port': this.rpcPort,
      'rest.port': Number(new URL(this.restUrl).port),
    };
    const jobManager = ClusterProcess.spawn(
      'jobmanager',
      ['jobmanager', ...defines(settings)],
      join(this.options.logDir, `freshet-jobmanager-${start}.log`),
      this.options.env,
    );
    this.jobManager = jobManager;
    await jobManager.waitForLine(
      (line) => typeof line['restUrl'] === 'string',
      timeoutMs,
      'JobManager restart',
    );
    return jobManager;
  }

  static async start(options: LocalSessionClusterOptions): Promise<LocalSessionCluster> {
    mkdirSync(options.logDir, { recursive: true });
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const jobManager = ClusterProcess.spawn(
      'jobmanager',
      ['jobmanager', ...defines(options.configuration)],
      join(options.logDir, 'freshet-jobmanager.log'),
      options.env,
    );
    let started: LogLine;
    try {
      started = await jobManager.waitForLine(
        (line) => typeof line['restUrl'] === 'string' && typeof line['rpcPort'] === 'number',
        timeoutMs,
        'JobManager start',
      );
    } catch (error) {
      await jobManager.stop('SIGKILL');
      throw error;
    }
    const cluster = new LocalSessionCluster(
      jobManager,
      [],
      started['restUrl'] as string,
      started['rpcPort'] as number,
      options,
    );
    try {
      for (let i = 0; i < options.taskManagers; i++) await cluster.startTaskManager(timeoutMs);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Starts one more TaskManager and waits until the JobManager has registered it. */
  async startTaskManager(timeoutMs = 60_000): Promise<ClusterProcess> {
    const index = this.taskManagers.length;
    const resourceId = `taskmanager-${index + 1}-${process.pid}-${Date.now().toString(36)}`;
    const settings = {
      ...this.options.configuration,
      'jobmanager.rpc.port': this.rpcPort,
      'taskmanager.resource-id': resourceId,
      ...this.options.taskManagerConfiguration?.(index),
    };
    const taskManager = ClusterProcess.spawn(
      `taskmanager-${index + 1}`,
      ['taskmanager', ...defines(settings)],
      join(this.options.logDir, `freshet-taskmanager-${index + 1}.log`),
      this.options.env,
    );
    this.taskManagers.push(taskManager);
    await this.jobManager.waitForLine(
      (line) => line['taskManager'] === resourceId && /registered/.test(line.msg ?? ''),
      timeoutMs,
      `registration of ${resourceId}`,
    );
    return taskManager;
  }

  /** Stops every process (TaskManagers first); SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const all = [...this.taskManagers, this.jobManager];
    const stops = all.map(async (p) => {
      const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
      await p.stop('SIGTERM');
      clearTimeout(timer);
    });
    await Promise.all(stops);
  }
}

function defines(settings: Readonly<Record<string, string | number>>): string[] {
  return Object.entries(settings).flatMap(([key, value]) => ['-D', `${key}=${value}`]);
}

export function assertPositive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new FreshetError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${value}`, {
      domain: 'user',
    });
}
