import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../support/helm.js';
import { expandVariables, localProcessOf } from './rendered-process.js';

describe('expandVariables', () => {
  const defined = new Map([['POD_IP', '10.0.0.7']]);

  it('replaces references to defined variables, keeps unknown ones and unescapes $$', () => {
    expect(expandVariables('taskmanager.host: $(POD_IP)\n', defined)).toBe('taskmanager.host: 10.0.0.7\n');
    expect(expandVariables('$(UNKNOWN)/$(POD_IP)', defined)).toBe('$(UNKNOWN)/10.0.0.7');
    expect(expandVariables('$$(POD_IP)', defined)).toBe('$(POD_IP)');
  });
});

describe('localProcessOf', () => {
  const secret: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's3' },
    data: { key: Buffer.from('s3cr3t').toString('base64') },
  };

  it('resolves the pod IP, earlier variables and Secret keys as the kubelet does', () => {
    const local = localProcessOf(
      {
        name: 'taskmanager',
        args: ['taskmanager', '-Dtaskmanager.host=$(POD_IP)'],
        env: [
          { name: 'PROPS', value: 'host: $(POD_IP)' },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'LATER', value: 'host: $(POD_IP)' },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's3', key: 'key' } } },
        ],
      },
      [secret],
      { podIp: '127.0.0.1' },
    );
    expect(local.args).toEqual(['taskmanager', '-Dtaskmanager.host=127.0.0.1']);
    // Only variables defined before an entry expand in it.
    expect(local.env).toEqual({
      PROPS: 'host: $(POD_IP)',
      POD_IP: '127.0.0.1',
      LATER: 'host: 127.0.0.1',
      SECRET: 's3cr3t',
    });
  });

  it('refuses a container that replaces the image entrypoint, and a missing Secret key', () => {
    expect(() => localProcessOf({ name: 'a', command: ['sh'] }, [], { podIp: '127.0.0.1' })).toThrow(
      /overrides the image entrypoint/,
    );
    const missing = { name: 'X', valueFrom: { secretKeyRef: { name: 's3', key: 'other' } } };
    expect(() => localProcessOf({ name: 'a', env: [missing] }, [secret], { podIp: '127.0.0.1' })).toThrow(
      /no Secret s3 with key other/,
    );
  });
});
