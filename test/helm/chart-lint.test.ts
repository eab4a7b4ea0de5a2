/**
 * `helm lint` of the chart with its default values and the example values files, and the values
 * the chart must refuse (by values.schema.json or a template `fail`) with a message saying what to
 * change.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, helmLint, helmTemplate } from '../support/helm.js';

const example = (name: string) => join(CHART_DIR, 'examples', name);

describe('helm lint', () => {
  it.each([
    ['default values', undefined],
    ['values-application.yaml', [example('values-application.yaml')]],
    ['values-s3.yaml', [example('values-s3.yaml')]],
  ])('passes --strict with %s', async (_name, values) => {
    const result = await helmLint(values, { extraArgs: ['--strict'] });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('0 chart(s) failed');
    expect(result.stdout + result.stderr).not.toContain('[ERROR]');
    expect(result.stdout + result.stderr).not.toContain('[WARNING]');
  });

  it('fails for values the schema rejects', async () => {
    const result = await helmLint({ taskManager: { replicas: -1 } });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/\[ERROR\].*\/taskManager\/replicas/);
  });
});

const S3_CHECKPOINTS = { 'state.checkpoints.dir': 's3://bucket/checkpoints' };
const HA = { 'high-availability.storageDir': 'file:///var/freshet/ha' };
const IRSA = { s3: { useDefaultCredentialsChain: true } };

describe('values the chart rejects', () => {
  it.each<[string, object, RegExp]>([
    [
      'negative TaskManager replicas',
      { taskManager: { replicas: -1 } },
      /\/taskManager\/replicas': minimum: got -1, want 0/,
    ],
    [
      'zero task slots',
      { taskManager: { numberOfTaskSlots: 0 } },
      /\/taskManager\/numberOfTaskSlots': minimum: got 0, want 1/,
    ],
    [
      'an unknown top-level key',
      { taskmanager: { replicas: 2 } },
      /additional properties 'taskmanager' not allowed/,
    ],
    [
      'an unknown nested key',
      { jobManager: { replica: 2 } },
      /\/jobManager': additional properties 'replica' not allowed/,
    ],
    ['an unknown mode', { mode: 'per-job' }, /\/mode'.*(session|application)/],
    ['a nested config map', { config: { state: { backend: 'rocksdb' } } }, /\/config\/state'/],
    ['a non-S3 bundle URL', { job: { bundle: { url: 'http://example.com/a.js' } } }, /\/job\/bundle\/url'/],
    [
      'S3 checkpoints without credentials',
      { config: S3_CHECKPOINTS },
      /on S3 \(s3:\/\/\) but no S3 credentials are given; set s3\.existingSecret\.name, or s3\.accessKey and s3\.secretKey, or s3\.useDefaultCredentialsChain=true/,
    ],
    [
      'an S3 bundle URL without credentials',
      { mode: 'application', config: HA, job: { bundle: { url: 's3://bucket/a.bundle.js' } } },
      /no S3 credentials are given/,
    ],
    [
      'an S3 HA directory without credentials',
      { config: { 'high-availability.storageDir': 's3://bucket/ha' } },
      /no S3 credentials are given/,
    ],
    [
      'only half of the S3 credentials',
      { config: S3_CHECKPOINTS, s3: { accessKey: 'a' } },
      /s3\.accessKey and s3\.secretKey must be set together/,
    ],
    [
      'an S3 credential in config',
      { config: { ...S3_CHECKPOINTS, 's3.secret-key': 'x' }, ...IRSA },
      /config\.s3\.secret-key would put an S3 credential into the ConfigMap/,
    ],
    [
      'a port key in config',
      { config: { 'rest.port': 9000 } },
      /config\.rest\.port is set by the chart; set jobManager\.ports\.rest instead/,
    ],
    [
      'the RPC address in config',
      { config: { 'jobmanager.rpc.address': 'x' } },
      /config\.jobmanager\.rpc\.address is set by the chart/,
    ],
    [
      'application mode without a bundle',
      { mode: 'application', config: HA },
      /mode=application needs exactly one job bundle source \(job\.bundle\.configMap, job\.bundle\.volume or job\.bundle\.url\), got 0/,
    ],
    [
      'application mode with two bundles',
      {
        mode: 'application',
        config: HA,
        ...IRSA,
        job: { bundle: { url: 's3://b/a.js', configMap: { name: 'a', key: 'b' } } },
      },
      /exactly one job bundle source .*got 2/,
    ],
    [
      'application mode without high-availability.storageDir',
      { mode: 'application', job: { bundle: { configMap: { name: 'jobs', key: 'a.js' } } } },
      /mode=application needs config\.high-availability\.storageDir/,
    ],
    [
      'a ConfigMap bundle without a key',
      { mode: 'application', config: HA, job: { bundle: { configMap: { name: 'jobs' } } } },
      /job\.bundle\.configMap needs both name and key/,
    ],
    [
      'allowNonRestoredState without a savepoint',
      {
        mode: 'application',
        config: HA,
        ...IRSA,
        job: { bundle: { url: 's3://b/a.js' }, allowNonRestoredState: true },
      },
      /job\.allowNonRestoredState needs job\.savepointPath/,
    ],
  ])('%s', async (_name, values, message) => {
    const result = await helmTemplate(values);
    expect(result.code, result.stdout).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
