/**
 * Typed views of the objects the chart renders (the JobManager and TaskManager workloads, their
 * containers, the ConfigMap's config.yaml), for the chart tests.
 */
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IConfigMap, IContainer, IPodSpec, IService } from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';
import { findObject, RELEASE_NAME, type KubeObject } from '../support/helm.js';

/** Resource names for the default release name (`flow` + chart `freshet`). */
export const NAMES = {
  jobManager: `${RELEASE_NAME}-freshet-jobmanager`,
  taskManager: `${RELEASE_NAME}-freshet-taskmanager`,
  configMap: `${RELEASE_NAME}-freshet-config`,
  s3Secret: `${RELEASE_NAME}-freshet-s3`,
} as const;

export function jobManagerDeployment(objects: readonly KubeObject[]): IDeployment {
  return findObject(objects, 'Deployment', NAMES.jobManager) as unknown as IDeployment;
}

export function jobManagerService(objects: readonly KubeObject[]): IService {
  return findObject(objects, 'Service', NAMES.jobManager) as unknown as IService;
}

/** The TaskManager workload: a Deployment, or a StatefulSet with persistence. */
export function taskManagerWorkload(
  objects: readonly KubeObject[],
  kind: 'Deployment' | 'StatefulSet' = 'Deployment',
): IDeployment | IStatefulSet {
  return findObject(objects, kind, NAMES.taskManager) as unknown as IDeployment | IStatefulSet;
}

export function podSpecOf(workload: IDeployment | IStatefulSet): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (spec === undefined) throw new Error(`${workload.metadata?.name} has no pod spec`);
  return spec;
}

/** The pod's only container (both workloads have one). */
export function containerOf(workload: IDeployment | IStatefulSet): IContainer {
  const containers = podSpecOf(workload).containers;
  if (containers.length !== 1)
    throw new Error(`${workload.metadata?.name} has ${containers.length} containers`);
  return containers[0]!;
}

/** The ConfigMap's config.yaml, parsed. */
export function renderedConfig(objects: readonly KubeObject[]): Record<string, unknown> {
  const configMap = findObject(objects, 'ConfigMap', NAMES.configMap) as unknown as IConfigMap;
  const text = configMap.data?.['config.yaml'];
  if (text === undefined) throw new Error('the ConfigMap has no config.yaml');
  return parseYaml(text) as Record<string, unknown>;
}

/** The named container port's number. */
export function containerPort(container: IContainer, name: string): number {
  const port = container.ports?.find((p) => p.name === name);
  if (port === undefined) throw new Error(`container ${container.name} has no port named ${name}`);
  return port.containerPort;
}
