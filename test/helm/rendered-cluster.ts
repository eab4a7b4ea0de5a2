/**
 * Starts what the chart renders as local processes: the JobManager and TaskManager containers'
 * args and env (resolved as Kubernetes would) with config.yaml from the rendered ConfigMap in a
 * temporary conf dir. Only addresses and ports change: the JobManager Service name and bind-all
 * addresses become 127.0.0.1 and every fixed port a free one, as `-D` flags after the rendered
 * args (they win over config.yaml and FRESHET_PROPERTIES). Readiness is awaited on the endpoints
 * the rendered probes name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1';
import { exitWithin, startCli, waitFor, type CliProcess } from '../support/cli.js';
import type { KubeObject } from '../support/helm.js';
import {
  containerOf,
  containerPort,
  jobManagerDeployment,
  NAMES,
  renderedConfig,
  taskManagerWorkload,
} from './chart-objects.js';
import { freePort, localProcessOf } from './rendered-process.js';

/** Where the chart mounts config.yaml; the image's FRESHET_CONF_DIR (see Dockerfile). */
export const IMAGE_CONF_DIR = '/opt/freshet/conf';
const LOOPBACK = '127.0.0.1';
/** Process lifetime cap; afterAll kills the processes long before. */
const PROCESS_DEADLINE_MS = 10 * 60_000;

export interface RenderedClusterOptions {
  /** Temporary directory for config.yaml (the ConfigMap's content). */
  readonly confDir: string;
  /** Container paths (mount points) mapped to local directories, replaced in the args. */
  readonly pathMappings?: Readonly<Record<string, string>>;
  readonly readyWithinMs: number;
}

export interface RenderedCluster {
  /** `127.0.0.1:<port>` of the JobManager's REST endpoint (for `-m`). */
  readonly restAddress: string;
  readonly restUrl: string;
  /** The running JobManager (a new process after `restartJobManager`). */
  readonly jobManager: CliProcess;
  readonly taskManager: CliProcess;
  /**
   * Stops the JobManager (SIGTERM, as the kubelet does), starts it again as the pod's container
   * restart would (same args, env, config and ports) and waits for its readiness.
   */
  restartJobManager(): Promise<void>;
  /** Rendered (in-cluster) port → the local port used instead. */
  readonly ports: ReadonlyMap<number, number>;
  /** The `-D` flags added to both processes. */
  readonly overrides: readonly string[];
}

/** `-D` overrides for the rendered config: addresses to loopback, fixed ports to free ones. */
async function localOverrides(
  config: Record<string, unknown>,
): Promise<{ defines: string[]; ports: Map<number, number> }> {
  const defines: string[] = [];
  const ports = new Map<number, number>();
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith('.port') && typeof value === 'number') {
      const local = await freePort();
      ports.set(value, local);
      defines.push(`-D${key}=${local}`);
    } else if (value === NAMES.jobManager || value === '0.0.0.0') {
      defines.push(`-D${key}=${LOOPBACK}`);
    }
  }
  return { defines, ports };
}

/** Container args with `-D` flags before a `--` (after it they would be program arguments). */
function withDefines(args: readonly string[], defines: readonly string[]): string[] {
  const separator = args.indexOf('--');
  if (separator < 0) return [...args, ...defines];
  return [...args.slice(0, separator), ...defines, ...args.slice(separator)];
}

function mapPaths(args: readonly string[], mappings: Readonly<Record<string, string>>): string[] {
  return args.map((arg) => {
    for (const [from, to] of Object.entries(mappings)) {
      if (arg === from || arg.startsWith(`${from}/`)) return to + arg.slice(from.length);
    }
    return arg;
  });
}

/** The local URL of a rendered httpGet probe. */
export function probeUrl(
  container: IContainer,
  probe: 'livenessProbe' | 'readinessProbe',
  ports: ReadonlyMap<number, number>,
): string {
  const get = container[probe]?.httpGet;
  if (get === undefined) throw new Error(`container ${container.name} has no httpGet ${probe}`);
  const rendered = typeof get.port === 'number' ? get.port : containerPort(container, get.port);
  const local = ports.get(rendered);
  if (local === undefined)
    throw new Error(`${probe} port ${rendered} of ${container.name} is no configured port`);
  return `http://${LOOPBACK}:${local}${get.path ?? '/'}`;
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function waitReady(process: CliProcess, url: string, name: string, deadlineMs: number): Promise<void> {
  await waitFor(
    async () => {
      if (process.child.exitCode !== null)
        throw new Error(`the ${name} exited:\n${process.stdout()}${process.stderr()}`);
      return answers200(url);
    },
    deadlineMs,
    () =>
      `the ${name} to answer 200 on ${url}\n--- output ---\n${process.stdout().slice(-4000)}${process.stderr()}`,
    100,
  );
}

function start(
  container: IContainer,
  objects: readonly KubeObject[],
  defines: readonly string[],
  options: RenderedClusterOptions,
): CliProcess {
  const local = localProcessOf(container, objects, { podIp: LOOPBACK });
  const args = withDefines(mapPaths(local.args, options.pathMappings ?? {}), defines);
  return startCli(args, {
    env: { ...local.env, FRESHET_CONF_DIR: options.confDir },
    timeoutMs: PROCESS_DEADLINE_MS,
  });
}

/** Starts the rendered JobManager, waits for its readiness, then the TaskManager and its readiness. */
export async function startRenderedCluster(
  objects: readonly KubeObject[],
  options: RenderedClusterOptions,
): Promise<RenderedCluster> {
  const jobManagerContainer = containerOf(jobManagerDeployment(objects));
  const taskManagerContainer = containerOf(taskManagerWorkload(objects));
  for (const container of [jobManagerContainer, taskManagerContainer]) {
    if (!container.volumeMounts?.some((m) => m.mountPath === IMAGE_CONF_DIR)) {
      throw new Error(`container ${container.name} does not mount config.yaml at ${IMAGE_CONF_DIR}`);
    }
  }
  const config = renderedConfig(objects);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === NAMES.configMap) as
    { data: Record<string, string> } | undefined;
  writeFileSync(join(options.confDir, 'config.yaml'), configMap!.data['config.yaml']!);
  const { defines, ports } = await localOverrides(config);

  const startJobManager = async (): Promise<CliProcess> => {
    const process = start(jobManagerContainer, objects, defines, options);
    const url = probeUrl(jobManagerContainer, 'readinessProbe', ports);
    await waitReady(process, url, 'JobManager', options.readyWithinMs);
    return process;
  };
  let jobManager = await startJobManager();
  const taskManager = start(taskManagerContainer, objects, defines, options);
  await waitReady(
    taskManager,
    probeUrl(taskManagerContainer, 'readinessProbe', ports),
    'TaskManager',
    options.readyWithinMs,
  );

  const restPort = ports.get(config['rest.port'] as number)!;
  return {
    restAddress: `${LOOPBACK}:${restPort}`,
    restUrl: `http://${LOOPBACK}:${restPort}`,
    get jobManager() {
      return jobManager;
    },
    taskManager,
    ports,
    overrides: defines,
    restartJobManager: async () => {
      jobManager.signal('SIGTERM');
      await exitWithin(jobManager, options.readyWithinMs);
      jobManager = await startJobManager();
    },
  };
}
