/**
 * A TaskManager process (Flink's TaskManagerRunner): a TaskExecutor with worker slots and a TCP
 * data port, registered with the JobManager over the control plane. It fetches job bundles from
 * the JobManager, answers heartbeats with slot reports and task I/O counters, and when the
 * JobManager goes away it fails its tasks and registers again (until
 * `taskmanager.registration.timeout` passes without success). With `taskmanager.health.port` set it
 * serves `/healthz` and `/readyz` (ready while registered) for orchestrator probes.
 */
import { checkLocalStateDirs } from '../state/rocksdb/local-state-dirs.js';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HeartbeatOptions,
  JobManagerOptions,
  TaskManagerOptions,
} from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { ResourceId } from '../../common/ids.js';
import type { Logger } from '../../common/logging/logger.js';
import { JobManagerConnection } from '../rpc/job-manager-connection.js';
import { BundleCache } from './bundle-cache.js';
import { TaskExecutor } from './task-executor.js';
import { TaskManagerHealthServer } from './task-manager-health-server.js';

export interface TaskManagerRunnerOptions {
  readonly configuration: Configuration;
  /** Module URLs provided to bundles as `freshet` and `freshet/connectors`. */
  readonly providedModules: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Called when the TaskManager gives up (registration timed out); the process should exit. */
  readonly onFatalError: (error: FreshetError) => void;
  readonly writeStdout?: (text: string) => void;
}

const RETRY_DELAY_MS = 1000;

export class TaskManagerRunner {
  private connection: JobManagerConnection | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Registered at the JobManager (what `/readyz` reports). */
  private registered = false;
  private healthServer: TaskManagerHealthServer | undefined;

  private constructor(
    private readonly options: TaskManagerRunnerOptions,
    readonly taskExecutor: TaskExecutor,
    private readonly bundles: BundleCache,
    readonly jobManagerUrl: string,
  ) {}

  static async start(options: TaskManagerRunnerOptions): Promise<TaskManagerRunner> {
    const config = options.configuration;
    checkLocalStateDirs(config.get(TaskManagerOptions.LOCAL_STATE_ROOT_DIRS) ?? []);
    const host = config.get(TaskManagerOptions.HOST);
    const resourceId = ResourceId.of(
      config.get(TaskManagerOptions.RESOURCE_ID) ?? ResourceId.generate(`${host ?? hostname()}`),
    );
    // The cache fetches through the runner's connection, which exists once the runner does.
    const late: { runner?: TaskManagerRunner } = {};
    const bundles = new BundleCache(
      join(await mkdtemp(join(tmpdir(), 'freshet-taskmanager-')), 'bundles'),
      (bundleId) => late.runner!.fetchBundle(bundleId),
    );
    const taskExecutor = new TaskExecutor({
      resourceId,
      numberOfSlots: config.get(TaskManagerOptions.NUM_TASK_SLOTS),
      slotMode: 'worker',
      segmentSize: config.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE),
      providedModules: options.providedModules,
      inProcessPipelines: new Map(),
      writeStdout: options.writeStdout ?? ((text) => process.stdout.write(text)),
      resolveBundle: (bundleId) => bundles.localPath(bundleId),
      configuration: config.toMap({ includeSensitive: true }),
      dataPlane: {
        host: config.get(TaskManagerOptions.BIND_HOST) ?? host ?? '0.0.0.0',
        port: config.get(TaskManagerOptions.DATA_PORT),
      },
    });
    await taskExecutor.start();
    const address = config.get(JobManagerOptions.ADDRESS);
    const port = config.get(JobManagerOptions.PORT);
    const runner = new TaskManagerRunner(options, taskExecutor, bundles, `ws://${address}:${port}`);
    late.runner = runner;
    const healthPort = config.get(TaskManagerOptions.HEALTH_PORT);
    if (healthPort !== undefined) {
      runner.healthServer = await TaskManagerHealthServer.start({
        host: config.get(TaskManagerOptions.BIND_HOST) ?? '0.0.0.0',
        port: healthPort,
        health: () => ({
          registered: runner.registered,
          resourceId: runner.resourceId,
          jobManager: runner.jobManagerUrl,
        }),
      });
    }
    options.logger.info(
      {
        resourceId,
        slots: taskExecutor.numberOfSlots,
        dataPort: taskExecutor.dataPort,
        ...(runner.healthPort === undefined ? {} : { healthPort: runner.healthPort }),
      },
      'TaskManager started',
    );
    try {
      await runner.register(Date.now());
    } catch (error) {
      await runner.healthServer?.close();
      throw error;
    }
    return runner;
  }

  /** The bound port of the health endpoint; undefined without `taskmanager.health.port`. */
  get healthPort(): number | undefined {
    return this.healthServer?.port;
  }

  get resourceId(): ResourceId {
    return this.taskExecutor.resourceId;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.registered = false;
    await this.healthServer?.close();
    await this.connection?.close();
    await this.taskExecutor.shutdown();
    await this.bundles.clear();
  }

  private fetchBundle(bundleId: string): Promise<Uint8Array> {
    if (this.connection === undefined) {
      return Promise.reject(new FreshetError('JOB_MANAGER_UNREACHABLE', 'not connected to the JobManager'));
    }
    return this.connection.fetchBundle(bundleId);
  }

  /** Registers with the JobManager, retrying every second until `taskmanager.registration.timeout`. */
  private async register(since: number): Promise<void> {
    const { configuration: config, logger } = this.options;
    const timeoutMs = config.get(TaskManagerOptions.REGISTRATION_TIMEOUT);
    while (!this.stopped) {
      try {
        this.connection = await JobManagerConnection.connect({
          url: this.jobManagerUrl,
          resourceId: this.resourceId,
          host: config.get(TaskManagerOptions.HOST) ?? '',
          dataPort: this.taskExecutor.dataPort!,
          numberOfSlots: this.taskExecutor.numberOfSlots,
          taskExecutor: this.taskExecutor,
          taskMetrics: () => this.taskExecutor.taskMetrics(),
          heartbeat: {
            intervalMs: config.get(HeartbeatOptions.HEARTBEAT_INTERVAL),
            timeoutMs: config.get(HeartbeatOptions.HEARTBEAT_TIMEOUT),
          },
          onRegistered: (connection) => {
            this.connection = connection;
            this.registered = true;
            this.taskExecutor.connectToJobMaster(connection.jobMasterGateway);
          },
          onDisconnected: (reason) => this.onDisconnected(reason),
          onError: (error) => logger.warn({ err: error }, error.message),
        });
        this.taskExecutor.connectToJobMaster(this.connection.jobMasterGateway);
        logger.info({ jobManager: this.jobManagerUrl }, 'registered at the JobManager');
        return;
      } catch (error) {
        if (error instanceof FreshetError && error.code === 'REGISTRATION_REJECTED') throw error;
        if (Date.now() - since >= timeoutMs) {
          throw new FreshetError(
            'REGISTRATION_TIMEOUT',
            `could not register at the JobManager ${this.jobManagerUrl} within ${timeoutMs} ms (taskmanager.registration.timeout): ${(error as Error).message}`,
            { domain: 'external', cause: error },
          );
        }
        logger.info({ err: error }, `JobManager not reachable yet; retrying in ${RETRY_DELAY_MS} ms`);
        await new Promise<void>((resolve) => {
          this.retryTimer = setTimeout(resolve, RETRY_DELAY_MS);
        });
      }
    }
  }

  private onDisconnected(reason: FreshetError): void {
    if (this.stopped) return;
    this.options.logger.warn(
      { err: reason },
      'lost the JobManager; failing running tasks and registering again',
    );
    this.connection = undefined;
    this.registered = false;
    this.taskExecutor.cancelAllTasks();
    this.register(Date.now()).catch((error: unknown) =>
      this.options.onFatalError(
        error instanceof FreshetError ? error : new FreshetError('TASK_MANAGER_FATAL', String(error)),
      ),
    );
  }
}
