/**
 * `helm template` for the optional parts of the chart: S3 credentials, TaskManager persistence
 * (StatefulSet), application mode and the Ingress.
 */
import type { IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import type { IContainer, IPersistentVolumeClaim, ISecret, IService } from 'kubernetes-models/v1';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, findObject, helmTemplate, renderChart, type KubeObject } from '../support/helm.js';
import {
  containerOf,
  jobManagerDeployment,
  NAMES,
  podSpecOf,
  renderedConfig,
  taskManagerWorkload,
} from './chart-objects.js';
import { validateKubeObject } from './kubernetes-validation.js';

const S3_CONFIG = {
  'state.checkpoints.dir': 's3://bucket/checkpoints',
  'state.savepoints.dir': 's3://bucket/savepoints',
  's3.endpoint': 'http://minio:9000',
  's3.path.style.access': true,
};
const HA = { 'high-availability.storageDir': 's3://bucket/ha' };
const CREDENTIALS = { s3: { useDefaultCredentialsChain: true } };

function secretRefs(container: IContainer): Record<string, { name: string; key: string } | undefined> {
  const refs: Record<string, { name: string; key: string } | undefined> = {};
  for (const env of container.env ?? []) {
    const ref = env.valueFrom?.secretKeyRef;
    if (ref !== undefined) refs[env.name] = { name: ref.name ?? '', key: ref.key };
  }
  return refs;
}

function workloads(objects: readonly KubeObject[]) {
  return [jobManagerDeployment(objects), taskManagerWorkload(objects)];
}

describe('S3 credentials', () => {
  it('puts chart-created credentials into a Secret that both containers reference, never into the ConfigMap', async () => {
    const accessKey = 'AKIA-TEST-ACCESS-7781';
    const secretKey = 'very-secret-key-0042';
    const objects = await renderChart({ config: S3_CONFIG, s3: { accessKey, secretKey } });
    const secret = findObject(objects, 'Secret', NAMES.s3Secret) as unknown as ISecret;
    expect(Buffer.from(secret.data?.['access-key'] ?? '', 'base64').toString()).toBe(accessKey);
    expect(Buffer.from(secret.data?.['secret-key'] ?? '', 'base64').toString()).toBe(secretKey);
    for (const workload of workloads(objects)) {
      expect(secretRefs(containerOf(workload))).toEqual({
        AWS_ACCESS_KEY_ID: { name: NAMES.s3Secret, key: 'access-key' },
        AWS_SECRET_ACCESS_KEY: { name: NAMES.s3Secret, key: 'secret-key' },
      });
    }
    const configText = JSON.stringify(findObject(objects, 'ConfigMap'));
    expect(configText).not.toContain(accessKey);
    expect(configText).not.toContain(secretKey);
    // Plain text credentials appear nowhere but base64-encoded in the Secret.
    const others = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    expect(others).not.toContain(secretKey);
    expect(renderedConfig(objects)).toMatchObject(S3_CONFIG);
    for (const object of objects) validateKubeObject(object);
  });

  it('references an existing Secret with its key names and creates none', async () => {
    const objects = await renderChart({
      config: S3_CONFIG,
      s3: { existingSecret: { name: 'team-s3', accessKeyKey: 'id', secretKeyKey: 'secret' } },
    });
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    for (const workload of workloads(objects)) {
      expect(secretRefs(containerOf(workload))).toEqual({
        AWS_ACCESS_KEY_ID: { name: 'team-s3', key: 'id' },
        AWS_SECRET_ACCESS_KEY: { name: 'team-s3', key: 'secret' },
      });
    }
  });

  it('passes no credentials with the default credential chain (IRSA)', async () => {
    const objects = await renderChart({ config: S3_CONFIG, ...CREDENTIALS });
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    for (const workload of workloads(objects)) expect(secretRefs(containerOf(workload))).toEqual({});
  });
});

describe('TaskManager persistence', () => {
  it('renders a StatefulSet whose volume claims hold the local state directory', async () => {
    const objects = await renderChart({
      taskManager: { replicas: 2, persistence: { enabled: true, size: '5Gi', storageClassName: 'fast' } },
    });
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === NAMES.taskManager)).toBe(false);
    const statefulSet = taskManagerWorkload(objects, 'StatefulSet') as IStatefulSet;
    expect(statefulSet.spec?.replicas).toBe(2);
    const claim = statefulSet.spec?.volumeClaimTemplates?.[0];
    expect(claim?.spec?.resources?.requests).toEqual({ storage: '5Gi' });
    expect(claim?.spec?.storageClassName).toBe('fast');
    expect(containerOf(statefulSet).volumeMounts).toContainEqual({
      name: claim?.metadata?.name,
      mountPath: '/opt/freshet/local-state',
    });
    expect(renderedConfig(objects)['taskmanager.state.local.root-dirs']).toBe('/opt/freshet/local-state');
    const headless = findObject(objects, 'Service', statefulSet.spec?.serviceName) as unknown as IService;
    expect(headless.spec?.clusterIP).toBe('None');
    for (const object of objects) validateKubeObject(object);
  });
});

describe('JobManager persistence', () => {
  it('creates a claim and mounts it where high-availability.storageDir points', async () => {
    const objects = await renderChart({
      jobManager: { persistence: { enabled: true, size: '2Gi' } },
      config: { 'high-availability.storageDir': 'file:///opt/freshet/ha' },
    });
    const claim = findObject(
      objects,
      'PersistentVolumeClaim',
      NAMES.jobManager,
    ) as unknown as IPersistentVolumeClaim;
    expect(claim.spec?.resources?.requests).toEqual({ storage: '2Gi' });
    const deployment = jobManagerDeployment(objects);
    const volume = podSpecOf(deployment).volumes?.find(
      (v) => v.persistentVolumeClaim?.claimName === NAMES.jobManager,
    );
    expect(containerOf(deployment).volumeMounts).toContainEqual({
      name: volume?.name,
      mountPath: '/opt/freshet/ha',
    });
    expect(deployment.spec?.strategy?.type).toBe('Recreate');
    for (const object of objects) validateKubeObject(object);
  });

  it('mounts an existing claim without creating one', async () => {
    const objects = await renderChart({
      jobManager: { persistence: { enabled: true, existingClaim: 'ha-data' } },
    });
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    const volumes = podSpecOf(jobManagerDeployment(objects)).volumes ?? [];
    expect(volumes.map((v) => v.persistentVolumeClaim?.claimName)).toContain('ha-data');
  });
});

describe('application mode', () => {
  const application = (job: object, extra: object = {}) => ({
    mode: 'application',
    config: { ...S3_CONFIG, ...HA },
    ...CREDENTIALS,
    job,
    ...extra,
  });

  it('runs standalone-job with the bundle from a ConfigMap and the job options', async () => {
    const objects = await renderChart(
      application({
        bundle: { configMap: { name: 'jobs', key: 'sessions.bundle.js' } },
        parallelism: 4,
        savepointPath: 's3://bucket/savepoints/savepoint-1',
        allowNonRestoredState: true,
        args: ['--window', '10s', 7],
      }),
    );
    const deployment = jobManagerDeployment(objects);
    expect(containerOf(deployment).args).toEqual([
      'standalone-job',
      '--bundle',
      '/opt/freshet/usrlib/sessions.bundle.js',
      '-p',
      '4',
      '-s',
      's3://bucket/savepoints/savepoint-1',
      '-n',
      '--',
      '--window',
      '10s',
      '7',
    ]);
    const volume = podSpecOf(deployment).volumes?.find((v) => v.configMap?.name === 'jobs');
    expect(volume?.configMap?.items).toEqual([{ key: 'sessions.bundle.js', path: 'sessions.bundle.js' }]);
    expect(containerOf(deployment).volumeMounts).toContainEqual({
      name: volume?.name,
      mountPath: '/opt/freshet/usrlib',
      readOnly: true,
    });
    expect(deployment.spec?.strategy?.type).toBe('Recreate');
    expect(containerOf(taskManagerWorkload(objects)).args).toEqual(['taskmanager']);
    for (const object of objects) validateKubeObject(object);
  });

  it('mounts a bundle from an existing volume', async () => {
    const objects = await renderChart(
      application({
        bundle: {
          volume: { source: { persistentVolumeClaim: { claimName: 'jobs' } }, path: 'team/a.bundle.js' },
        },
      }),
    );
    const deployment = jobManagerDeployment(objects);
    expect(containerOf(deployment).args).toEqual([
      'standalone-job',
      '--bundle',
      '/opt/freshet/usrlib/team/a.bundle.js',
    ]);
    const volume = podSpecOf(deployment).volumes?.find((v) => v.persistentVolumeClaim?.claimName === 'jobs');
    expect(containerOf(deployment).volumeMounts?.map((m) => m.name)).toContain(volume?.name);
    for (const object of objects) validateKubeObject(object);
  });

  it('passes an s3:// bundle URL through and mounts nothing for it', async () => {
    const objects = await renderChart(application({ bundle: { url: 's3://bucket/jobs/a.bundle.js' } }));
    const deployment = jobManagerDeployment(objects);
    expect(containerOf(deployment).args).toEqual([
      'standalone-job',
      '--bundle',
      's3://bucket/jobs/a.bundle.js',
    ]);
    expect(containerOf(deployment).volumeMounts?.map((m) => m.mountPath)).toEqual(['/opt/freshet/conf']);
  });

  it('renders the example values file', async () => {
    const result = await helmTemplate([join(CHART_DIR, 'examples', 'values-application.yaml')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('- standalone-job');
  });
});

describe('Ingress', () => {
  it('routes the configured host to the JobManager REST port', async () => {
    const objects = await renderChart({
      ingress: {
        enabled: true,
        className: 'nginx',
        hosts: [{ host: 'flink.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
      },
    });
    const ingress = findObject(objects, 'Ingress') as unknown as IIngress;
    expect(ingress.spec?.ingressClassName).toBe('nginx');
    expect(ingress.spec?.rules?.[0]?.host).toBe('flink.example.com');
    expect(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toEqual({
      name: NAMES.jobManager,
      port: { number: 8081 },
    });
    for (const object of objects) validateKubeObject(object);
  });
});

describe('validateKubeObject', () => {
  it('rejects an object that does not match its schema', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { ports: [{ port: 'rest' }] },
    };
    expect(() => validateKubeObject(service)).toThrow(/Service\/x is not a valid v1 Service.*port/);
  });
});
