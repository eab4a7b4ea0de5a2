/**
 * `helm template` with the default values and small variations (session mode): which objects the
 * chart renders, how they refer to each other (selectors, named ports, the ConfigMap), the
 * configuration it writes and that every object is a valid Kubernetes object.
 */
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IPod } from 'kubernetes-models/v1';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { findObject, renderChart, type KubeObject } from '../support/helm.js';
import {
  containerOf,
  containerPort,
  jobManagerDeployment,
  jobManagerService,
  NAMES,
  podSpecOf,
  renderedConfig,
  taskManagerWorkload,
} from './chart-objects.js';
import { validateKubeObject } from './kubernetes-validation.js';

/** True when every label of `selector` is on `labels` with the same value. */
function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}

describe('helm template with default values', () => {
  let objects: KubeObject[];
  beforeAll(async () => {
    objects = await renderChart();
  });

  it('renders a session cluster: JobManager, TaskManagers, Service, ConfigMap, PDB, ServiceAccount, test pod', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        `ConfigMap/${NAMES.configMap}`,
        `Deployment/${NAMES.jobManager}`,
        `Deployment/${NAMES.taskManager}`,
        `PodDisruptionBudget/${NAMES.taskManager}`,
        `Pod/flow-freshet-test-overview`,
        `Service/${NAMES.jobManager}`,
        `ServiceAccount/flow-freshet`,
      ].sort(),
    );
  });

  it('renders only valid Kubernetes objects', () => {
    for (const object of objects) expect(() => validateKubeObject(object)).not.toThrow();
  });

  it('runs one JobManager that is replaced, never doubled, on updates', () => {
    const deployment = jobManagerDeployment(objects);
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.spec?.strategy?.type).toBe('Recreate');
    expect(containerOf(deployment).args).toEqual(['jobmanager']);
    expect(containerOf(taskManagerWorkload(objects)).args).toEqual(['taskmanager']);
  });

  it('exposes REST on 8081 and RPC on 6123 through a Service that selects only the JobManager pod', () => {
    const service = jobManagerService(objects);
    const jobManager = jobManagerDeployment(objects);
    const container = containerOf(jobManager);
    expect(service.spec?.type).toBe('ClusterIP');
    const ports = (service.spec?.ports ?? []).map((p) => ({
      name: p.name,
      port: p.port,
      target: containerPort(container, String(p.targetPort)),
    }));
    expect(ports).toEqual([
      { name: 'rest', port: 8081, target: 8081 },
      { name: 'rpc', port: 6123, target: 6123 },
    ]);
    expect(selects(service.spec?.selector, jobManager.spec?.template.metadata?.labels)).toBe(true);
    expect(
      selects(service.spec?.selector, taskManagerWorkload(objects).spec?.template.metadata?.labels),
    ).toBe(false);
  });

  it('gives each workload a selector that matches its own pod template', () => {
    for (const workload of [jobManagerDeployment(objects), taskManagerWorkload(objects)]) {
      expect(selects(workload.spec?.selector.matchLabels, workload.spec?.template.metadata?.labels)).toBe(
        true,
      );
    }
    const pdb = findObject(objects, 'PodDisruptionBudget') as unknown as IPodDisruptionBudget;
    expect(pdb.spec?.maxUnavailable).toBe(1);
    const tmLabels = taskManagerWorkload(objects).spec?.template.metadata?.labels;
    expect(selects(pdb.spec?.selector?.matchLabels, tmLabels)).toBe(true);
    expect(
      selects(pdb.spec?.selector?.matchLabels, jobManagerDeployment(objects).spec?.template.metadata?.labels),
    ).toBe(false);
  });

  it('writes config.yaml with the Service name as RPC address and the ports the pods and probes use', () => {
    const config = renderedConfig(objects);
    expect(config).toMatchObject({
      'jobmanager.rpc.address': NAMES.jobManager,
      'jobmanager.rpc.port': 6123,
      'jobmanager.bind-host': '0.0.0.0',
      'rest.address': NAMES.jobManager,
      'rest.port': 8081,
      'rest.bind-address': '0.0.0.0',
      'taskmanager.bind-host': '0.0.0.0',
      'taskmanager.numberOfTaskSlots': 2,
    });
    const taskManager = containerOf(taskManagerWorkload(objects));
    expect(config['taskmanager.data.port']).toBe(containerPort(taskManager, 'data'));
    expect(config['taskmanager.health.port']).toBe(containerPort(taskManager, 'health'));
    expect(config).not.toHaveProperty('taskmanager.state.local.root-dirs');
  });

  it('mounts the ConfigMap at the image conf dir in both pods', () => {
    for (const workload of [jobManagerDeployment(objects), taskManagerWorkload(objects)]) {
      const volume = podSpecOf(workload).volumes?.find((v) => v.configMap?.name === NAMES.configMap);
      expect(volume).toBeDefined();
      expect(containerOf(workload).volumeMounts).toContainEqual({
        name: volume!.name,
        mountPath: '/opt/freshet/conf',
        readOnly: true,
      });
    }
  });

  it('probes /healthz (liveness) and /readyz (readiness) on the REST port and the TaskManager health port', () => {
    const jobManager = containerOf(jobManagerDeployment(objects));
    const taskManager = containerOf(taskManagerWorkload(objects));
    const probe = (container: typeof jobManager, kind: 'livenessProbe' | 'readinessProbe') => {
      const get = container[kind]?.httpGet;
      return { path: get?.path, port: containerPort(container, String(get?.port)) };
    };
    expect(probe(jobManager, 'livenessProbe')).toEqual({ path: '/healthz', port: 8081 });
    expect(probe(jobManager, 'readinessProbe')).toEqual({ path: '/readyz', port: 8081 });
    expect(probe(taskManager, 'livenessProbe')).toEqual({ path: '/healthz', port: 8082 });
    expect(probe(taskManager, 'readinessProbe')).toEqual({ path: '/readyz', port: 8082 });
  });

  it('makes TaskManagers advertise their pod IP through FRESHET_PROPERTIES', () => {
    const env = containerOf(taskManagerWorkload(objects)).env ?? [];
    const podIp = env.findIndex((e) => e.name === 'POD_IP');
    const properties = env.findIndex((e) => e.name === 'FRESHET_PROPERTIES');
    expect(env[podIp]?.valueFrom?.fieldRef?.fieldPath).toBe('status.podIP');
    // $(POD_IP) only expands when POD_IP is defined earlier in the list.
    expect(podIp).toBeGreaterThanOrEqual(0);
    expect(properties).toBeGreaterThan(podIp);
    expect(env[properties]?.value).toMatch(/^taskmanager\.host: \$\(POD_IP\)$/m);
  });

  it('matches the image: its user, conf dir and exposed ports', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1]?.split(/\s+/).map(Number);
    const ports = [jobManagerDeployment(objects), taskManagerWorkload(objects)].flatMap(
      (w) => containerOf(w).ports?.map((p) => p.containerPort) ?? [],
    );
    expect(exposed?.sort()).toEqual(ports.sort());
    expect(dockerfile).toMatch(/^USER 9999:9999$/m);
    expect(podSpecOf(jobManagerDeployment(objects)).securityContext?.runAsUser).toBe(9999);
    expect(dockerfile).toMatch(/FRESHET_CONF_DIR=\/opt\/freshet\/conf\b/);
  });

  it('adds a helm test pod that checks /overview for the TaskManager count', () => {
    const pod = findObject(objects, 'Pod') as unknown as IPod;
    expect(pod.metadata?.annotations?.['helm.sh/hook']).toBe('test');
    const args = pod.spec?.containers[0]?.args ?? [];
    expect(args.slice(-3)).toEqual([`http://${NAMES.jobManager}:8081/overview`, '1', '120']);
  });
});

describe('helm template with changed values', () => {
  it('takes slots, replicas and the Service type from values and keeps user config keys', async () => {
    const objects = await renderChart({
      taskManager: { replicas: 3, numberOfTaskSlots: 4 },
      jobManager: { service: { type: 'LoadBalancer' } },
      config: {
        'execution.checkpointing.interval': '10s',
        'state.backend.type': 'rocksdb',
        'parallelism.default': 6,
      },
    });
    expect(taskManagerWorkload(objects).spec?.replicas).toBe(3);
    expect(jobManagerService(objects).spec?.type).toBe('LoadBalancer');
    expect(renderedConfig(objects)).toMatchObject({
      'taskmanager.numberOfTaskSlots': 4,
      'execution.checkpointing.interval': '10s',
      'state.backend.type': 'rocksdb',
      'parallelism.default': 6,
      'jobmanager.rpc.address': NAMES.jobManager,
    });
    const pod = findObject(objects, 'Pod') as unknown as IPod;
    expect(pod.spec?.containers[0]?.args?.at(-2)).toBe('3');
  });

  it('rolls both workloads when config.yaml changes (checksum annotation)', async () => {
    const checksums = async (config: Record<string, string>) => {
      const objects = await renderChart({ config });
      return [jobManagerDeployment(objects), taskManagerWorkload(objects)].map(
        (w) => w.spec?.template.metadata?.annotations?.['checksum/config'],
      );
    };
    const [jm1, tm1] = await checksums({ 'heartbeat.timeout': '50s' });
    const [jm2, tm2] = await checksums({ 'heartbeat.timeout': '60s' });
    expect(jm1).toMatch(/^[0-9a-f]{64}$/);
    expect(tm1).toBe(jm1);
    expect(jm2).not.toBe(jm1);
    expect(tm2).toBe(jm2);
  });

  it('leaves out the PodDisruptionBudget when disabled and uses custom ports everywhere', async () => {
    const objects = await renderChart({
      taskManager: { podDisruptionBudget: { enabled: false }, ports: { data: 7000, health: 7001 } },
      jobManager: { ports: { rest: 9081, rpc: 9123 } },
    });
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(renderedConfig(objects)).toMatchObject({
      'rest.port': 9081,
      'jobmanager.rpc.port': 9123,
      'taskmanager.data.port': 7000,
      'taskmanager.health.port': 7001,
    });
    expect(jobManagerService(objects).spec?.ports?.map((p) => p.port)).toEqual([9081, 9123]);
    const taskManager = containerOf(taskManagerWorkload(objects));
    expect(containerPort(taskManager, String(taskManager.readinessProbe?.httpGet?.port))).toBe(7001);
    const jobManager = containerOf(jobManagerDeployment(objects));
    expect(containerPort(jobManager, String(jobManager.livenessProbe?.httpGet?.port))).toBe(9081);
  });
});
