/**
 * Flink's REST response bodies for the cluster and jar endpoints (field names exactly as in
 * `rest_v1_dispatcher.yml`), built from RestBackend values. Unknown numbers are -1, as Flink's.
 */
import type {
  ClusterOverview,
  ConfigurationEntry,
  JarFile,
  MemoryConfigurationField,
  TaskManagerSummary,
  VersionInfo,
} from './rest-backend.js';

/** ClusterOverviewWithVersion (`GET /overview`). */
export interface ClusterOverviewJson {
  readonly taskmanagers: number;
  readonly 'taskmanagers-blocked': number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
  readonly 'slots-free-and-blocked': number;
  readonly 'jobs-running': number;
  readonly 'jobs-finished': number;
  readonly 'jobs-cancelled': number;
  readonly 'jobs-failed': number;
  readonly 'flink-version': string;
  readonly 'flink-commit': string;
}

export function clusterOverviewJson(overview: ClusterOverview, version: VersionInfo): ClusterOverviewJson {
  return {
    taskmanagers: overview.taskManagers,
    'taskmanagers-blocked': 0,
    'slots-total': overview.slotsTotal,
    'slots-available': overview.slotsAvailable,
    'slots-free-and-blocked': 0,
    'jobs-running': overview.jobsRunning,
    'jobs-finished': overview.jobsFinished,
    'jobs-cancelled': overview.jobsCancelled,
    'jobs-failed': overview.jobsFailed,
    'flink-version': version.version,
    'flink-commit': version.revision,
  };
}

/** DashboardConfiguration (`GET /config`). */
export interface DashboardConfigurationJson {
  readonly 'refresh-interval': number;
  readonly 'timezone-name': string;
  readonly 'timezone-offset': number;
  readonly 'flink-version': string;
  readonly 'flink-revision': string;
  readonly features: {
    readonly 'web-submit': boolean;
    readonly 'web-cancel': boolean;
    readonly 'web-rescale': boolean;
    readonly 'web-history': boolean;
  };
}

export function dashboardConfigurationJson(version: VersionInfo, now: number): DashboardConfigurationJson {
  return {
    'refresh-interval': 3000,
    'timezone-name': Intl.DateTimeFormat().resolvedOptions().timeZone,
    'timezone-offset': -new Date(now).getTimezoneOffset() * 60_000,
    'flink-version': version.version,
    'flink-revision': version.revision,
    features: { 'web-submit': true, 'web-cancel': true, 'web-rescale': false, 'web-history': false },
  };
}

/** ConfigurationInfo (`GET /jobmanager/config`): a list of entries. */
export type ConfigurationInfoJson = readonly { readonly key: string; readonly value: string }[];

export function configurationInfoJson(entries: readonly ConfigurationEntry[]): ConfigurationInfoJson {
  return entries.map(({ key, value }) => ({ key, value }));
}

export interface ResourceProfileInfoJson {
  readonly cpuCores: number;
  readonly taskHeapMemory: number;
  readonly taskOffHeapMemory: number;
  readonly managedMemory: number;
  readonly networkMemory: number;
  readonly extendedResources: Readonly<Record<string, number>>;
}

/** TaskManagerInfo (one entry of `GET /taskmanagers`). */
export interface TaskManagerInfoJson {
  readonly id: string;
  readonly path: string;
  readonly dataPort: number;
  readonly jmxPort: number;
  readonly timeSinceLastHeartbeat: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
  readonly totalResource: ResourceProfileInfoJson;
  readonly freeResource: ResourceProfileInfoJson;
  readonly hardware: {
    readonly cpuCores: number;
    readonly physicalMemory: number;
    readonly freeMemory: number;
    readonly managedMemory: number;
  };
  readonly memoryConfiguration: Readonly<Record<MemoryConfigurationField, number>>;
  readonly blocked: boolean;
}

const MEMORY_FIELDS: readonly MemoryConfigurationField[] = [
  'frameworkHeap',
  'frameworkOffHeap',
  'taskHeap',
  'taskOffHeap',
  'networkMemory',
  'managedMemory',
  'jvmMetaspace',
  'jvmOverhead',
  'totalFlinkMemory',
  'totalProcessMemory',
];

/** Flink's ResourceProfileInfo for an UNKNOWN profile: Freshet slots have no resource profiles. */
const UNKNOWN_RESOURCES: ResourceProfileInfoJson = {
  cpuCores: -1,
  taskHeapMemory: -1,
  taskOffHeapMemory: -1,
  managedMemory: -1,
  networkMemory: -1,
  extendedResources: {},
};

export function taskManagersInfoJson(taskManagers: readonly TaskManagerSummary[]): {
  readonly taskmanagers: readonly TaskManagerInfoJson[];
} {
  return { taskmanagers: taskManagers.map(taskManagerInfoJson) };
}

function taskManagerInfoJson(tm: TaskManagerSummary): TaskManagerInfoJson {
  const hardware = tm.hardware ?? {};
  const memory: Partial<Record<MemoryConfigurationField, number>> = tm.memoryConfiguration ?? {};
  return {
    id: tm.id,
    path: tm.path,
    dataPort: tm.dataPort,
    jmxPort: -1,
    timeSinceLastHeartbeat: tm.lastHeartbeat,
    slotsNumber: tm.slotsNumber,
    freeSlots: tm.freeSlots,
    totalResource: UNKNOWN_RESOURCES,
    freeResource: UNKNOWN_RESOURCES,
    hardware: {
      cpuCores: hardware.cpuCores ?? -1,
      physicalMemory: hardware.physicalMemory ?? -1,
      freeMemory: hardware.freeMemory ?? -1,
      managedMemory: hardware.managedMemory ?? -1,
    },
    memoryConfiguration: Object.fromEntries(MEMORY_FIELDS.map((f) => [f, memory[f] ?? -1])) as Record<
      MemoryConfigurationField,
      number
    >,
    blocked: false,
  };
}

/** JarListInfo (`GET /jars`). */
export interface JarListInfoJson {
  readonly address: string;
  readonly files: readonly {
    readonly id: string;
    readonly name: string;
    readonly uploaded: number;
    readonly entry: readonly { readonly name: string; readonly description: string | null }[];
  }[];
}

export function jarListInfoJson(address: string, jars: readonly JarFile[]): JarListInfoJson {
  return {
    address,
    files: jars.map((jar) => ({
      id: jar.id,
      name: jar.name,
      uploaded: jar.uploaded,
      entry: jar.entry.map((e) => ({ name: e.name, description: e.description ?? null })),
    })),
  };
}
