/**
 * A JobManager process in session mode (Flink's StandaloneSessionClusterEntrypoint): the
 * dispatcher and slot pool, the resource manager's control-plane endpoint TaskManagers register
 * at (`jobmanager.rpc.port`), and the REST endpoint (`rest.port`) clients upload and run bundles
 * through. TaskManagers fetch the stored bundles over the control plane. `GET /readyz` turns ready
 * once start-up is done: HA job recovery, then the `beforeReady` hook (application mode's job).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoreOptions,
  HeartbeatOptions,
  HighAvailabilityOptions,
  JobManagerOptions,
  RestOptions,
  WebOptions,
} from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import type { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import type { Logger } from '../../common/logging/logger.js';
import type { JobMasterGateway } from '../../common/protocol/gateways.js';
import { Dispatcher } from '../dispatcher/dispatcher.js';
import { JarStore } from '../dispatcher/jar-store.js';
import { JobBundleStore } from '../dispatcher/job-bundle-store.js';
import { JobGraphBuilder } from '../dispatcher/job-graph-builder.js';
import { TaskMetricsStore } from '../dispatcher/task-metrics-store.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import { TaskManagerRegistry } from '../resourcemanager/task-manager-registry.js';
import { DispatcherRestBackend } from '../rest/dispatcher-rest-backend.js';
import { RestServer } from '../rest/rest-server.js';
import { ResourceManagerEndpoint } from '../rpc/resource-manager-endpoint.js';
import { vertexMetricsOf } from './vertex-metrics.js';
import { FileSystemHaServices } from '../ha/file-system-ha-services.js';
import { recoverJobs } from '../ha/job-recovery.js';

export interface SessionClusterEntrypointOptions {
  readonly configuration: Configuration;
  /** Module URLs provided to bundles as `freshet` and `freshet/connectors` (to build job graphs). */
  readonly providedModules: Readonly<Record<string, string>>;
  readonly logger: Logger;
  readonly version: string;
  /**
   * Runs after HA job recovery and before `/readyz` reports ready (application mode submits its
   * job here). When it rejects, the JobManager stops again and `start` rejects with that error.
   */
  readonly beforeReady?: (jobManager: StartedJobManager) => Promise<void>;
  /**
   * With HA, record every job that ends for good in the job result store (application mode), so a
   * restarted JobManager knows it is done.
   */
  readonly recordJobResults?: boolean;
}

/** What the `beforeReady` hook works with. */
export interface StartedJobManager {
  readonly dispatcher: Dispatcher;
  /** The REST endpoints' backend: stores bundles (`uploadJar`) and runs them (`runJar`). */
  readonly backend: DispatcherRestBackend;
  /** Undefined without `high-availability.storageDir`. */
  readonly ha: FileSystemHaServices | undefined;
}

export class SessionClusterEntrypoint {
  private constructor(
    readonly dispatcher: Dispatcher,
    readonly resourceManager: ResourceManagerEndpoint,
    readonly restServer: RestServer,
    readonly restUrl: string,
    /** Undefined without `high-availability.storageDir`. */
    readonly ha: FileSystemHaServices | undefined,
    private readonly logger: Logger,
  ) {}

  static async start(options: SessionClusterEntrypointOptions): Promise<SessionClusterEntrypoint> {
    const { configuration: config, logger } = options;
    const slotPool = new SlotPool();
    const haDirectory = config.get(HighAvailabilityOptions.HA_STORAGE_PATH);
    const jobStatus = (jobId: JobId): JobStatus | undefined =>
      dispatcher.listJobs().find((master) => master.jobId === jobId)?.status;
    const ha =
      haDirectory === undefined
        ? undefined
        : new FileSystemHaServices(haDirectory, options.recordJobResults === true ? { jobStatus } : {});
    const dispatcher = new Dispatcher(slotPool, {
      clusterConfiguration: config,
      logger,
      providedModules: options.providedModules,
      ...(ha === undefined ? {} : { ha }),
    });
    const registry = new TaskManagerRegistry();
    const metrics = new TaskMetricsStore();
    const uploadDir =
      config.get(WebOptions.UPLOAD_DIR) ?? (await mkdtemp(join(tmpdir(), 'freshet-web-upload-')));
    const jarStore = new JarStore(uploadDir);
    const jobBundles = new JobBundleStore(ha?.bundlesDirectory ?? join(uploadDir, 'jobs'));
    dispatcher.onJobTerminated((jobId) => jobBundles.release(jobId));
    const jobMaster: JobMasterGateway = {
      updateTaskExecutionState: (update) => {
        if (update.ioMetrics !== undefined)
          metrics.onFinalMetrics(update.jobId, update.executionAttemptId, update.ioMetrics);
        dispatcher.updateTaskExecutionState(update);
      },
      deliverClientData: (jobId, operatorId, payload) =>
        dispatcher.deliverClientData(jobId, operatorId, payload),
      acknowledgeCheckpoint: (jobId, attemptId, checkpointId, state) =>
        dispatcher.acknowledgeCheckpoint(jobId, attemptId, checkpointId, state),
      declineCheckpoint: (jobId, attemptId, checkpointId, reason, error) =>
        dispatcher.declineCheckpoint(jobId, attemptId, checkpointId, reason, error),
      sendOperatorEventToCoordinator: (jobId, attemptId, operatorId, event) =>
        dispatcher.sendOperatorEventToCoordinator(jobId, attemptId, operatorId, event),
    };
    const rpcAddress = config.get(JobManagerOptions.ADDRESS);
    const resourceManager = await ResourceManagerEndpoint.start({
      host: config.get(JobManagerOptions.BIND_HOST) ?? rpcAddress,
      port: config.get(JobManagerOptions.PORT),
      heartbeatIntervalMs: config.get(HeartbeatOptions.HEARTBEAT_INTERVAL),
      heartbeatTimeoutMs: config.get(HeartbeatOptions.HEARTBEAT_TIMEOUT),
      jobMaster,
      onTaskManagerRegistered: (id, gateway, slots, dataAddress) => {
        registry.register(id, dataAddress.host, dataAddress.port, slots);
        slotPool.registerTaskManager(id, gateway, slots, dataAddress);
        logger.info({ taskManager: id, slots, dataAddress }, `TaskManager ${id} registered`);
      },
      onTaskManagerLost: (id, reason) => {
        registry.unregister(id);
        logger.warn({ taskManager: id, err: reason }, `TaskManager ${id} lost: ${reason.message}`);
        dispatcher.taskManagerLost(id, reason);
      },
      onConnectionError: (error) => logger.warn({ err: error }, error.message),
      onSlotReport: (id, report) => registry.onSlotReport(id, report),
      onTaskMetrics: (_id, reports) => metrics.onHeartbeatReports(reports),
      fetchBundle: async (bundleId) => readFile(jobBundles.path(bundleId)),
    });
    const backend = new DispatcherRestBackend({
      dispatcher,
      slotPool,
      jarStore,
      jobBundles,
      jobGraphBuilder: new JobGraphBuilder({ providedModules: options.providedModules }),
      configuration: config,
      versionInfo: { version: `freshet-${options.version}`, revision: 'unknown' },
      taskManagers: () =>
        registry.list().map((tm) => ({
          id: tm.id,
          path: `ws://${tm.host}`,
          dataPort: tm.dataPort,
          slotsNumber: tm.slotsNumber,
          freeSlots: tm.freeSlots,
          lastHeartbeat: tm.lastHeartbeat,
        })),
      vertexMetrics: (jobId, vertexId) => vertexMetricsOf(dispatcher, metrics, jobId, vertexId),
      defaultParallelism: config.get(CoreOptions.DEFAULT_PARALLELISM),
      onJobStartError: (jobId, error) => logger.error({ jobId, err: error }, `job ${jobId} could not start`),
    });
    let ready = false;
    const restAddress = config.get(RestOptions.ADDRESS);
    const authToken = config.get(RestOptions.AUTH_TOKEN);
    const restServer = await RestServer.start({
      host: config.get(RestOptions.BIND_ADDRESS) ?? restAddress,
      port: config.get(RestOptions.PORT),
      backend,
      maxContentLength: config.get(RestOptions.SERVER_MAX_CONTENT_LENGTH),
      ...(authToken === undefined ? {} : { authToken }),
      isReady: () => ready,
      onInternalError: (error, request) =>
        logger.error({ err: error, method: request.method, url: request.url }, 'REST handler failed'),
    });
    const restUrl = `http://${restAddress}:${restServer.port}`;
    try {
      if (ha !== undefined) await recoverJobs(ha, dispatcher, jobBundles, config, logger);
      await options.beforeReady?.({ dispatcher, backend, ha });
    } catch (error) {
      await restServer.close();
      await resourceManager.close();
      throw error;
    }
    ready = true;
    logger.info(
      { rpcPort: resourceManager.port, restUrl, uploadDir },
      `JobManager started: REST endpoint ${restUrl}, RPC port ${resourceManager.port}`,
    );
    return new SessionClusterEntrypoint(dispatcher, resourceManager, restServer, restUrl, ha, logger);
  }

  /**
   * Shuts down: cancels every job, or with `suspendJobs` (and HA) leaves them in the HA directory
   * for the next JobManager, as Flink suspends jobs when its JobManager stops.
   */
  async stop(options: { readonly suspendJobs?: boolean } = {}): Promise<void> {
    this.logger.info('JobManager shutting down');
    if (options.suspendJobs === true && this.ha !== undefined) this.ha.suspend();
    else for (const master of this.dispatcher.listJobs()) master.cancel();
    await this.restServer.close();
    await this.resourceManager.close();
  }
}
