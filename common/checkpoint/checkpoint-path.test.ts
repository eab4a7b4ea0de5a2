import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import {
  childUri,
  isRelativeUri,
  normalizeCheckpointUri,
  parseCheckpointPath,
  relativeUri,
} from './checkpoint-path.js';

describe('parseCheckpointPath', () => {
  it('takes plain absolute paths and file URIs as the local file system', () => {
    expect(parseCheckpointPath('/ckpt/dir/')).toEqual({ scheme: 'file', path: '/ckpt/dir' });
    expect(parseCheckpointPath('file:///ckpt/dir')).toEqual({ scheme: 'file', path: '/ckpt/dir' });
    expect(parseCheckpointPath('file:/ckpt/dir')).toEqual({ scheme: 'file', path: '/ckpt/dir' });
    expect(parseCheckpointPath('file://localhost/ckpt')).toEqual({ scheme: 'file', path: '/ckpt' });
    expect(parseCheckpointPath('file:///with%20space')).toEqual({ scheme: 'file', path: '/with space' });
  });

  it('resolves file://./relative against the working directory (the local-mode default)', () => {
    expect(parseCheckpointPath('file://./.freshet/checkpoints')).toEqual({
      scheme: 'file',
      path: resolve('.freshet/checkpoints'),
    });
  });

  it('splits s3 URIs into bucket and key prefix', () => {
    expect(parseCheckpointPath('s3://bucket/a/b/')).toEqual({ scheme: 's3', bucket: 'bucket', key: 'a/b' });
    expect(parseCheckpointPath('s3a://bucket')).toEqual({ scheme: 's3', bucket: 'bucket', key: '' });
    expect(normalizeCheckpointUri('s3://bucket//a//b')).toBe('s3://bucket/a/b');
  });

  it('rejects other schemes with an IllegalConfigurationError naming the scheme', () => {
    for (const [uri, text] of [
      ['hdfs://namenode/ckpt', "unsupported scheme 'hdfs'"],
      ['gs://bucket/x', "unsupported scheme 'gs'"],
      ['relative/dir', 'relative path'],
      ['file://otherhost/x', "host 'otherhost'"],
      ['s3://Bad_Bucket/x', 'valid S3 bucket'],
      ['s3://bucket/../x', "'..'"],
      ['', 'empty'],
    ] as const) {
      const attempt = (): unknown => parseCheckpointPath(uri, 'state.checkpoints.dir');
      expect(attempt, uri).toThrow(IllegalConfigurationError);
      expect(attempt, uri).toThrow(text);
    }
  });
});

describe('relative paths', () => {
  it('relativizes only paths strictly inside the directory and resolves them back', () => {
    const dir = 'file:///ckpt/job/chk-1';
    expect(relativeUri(dir, `${dir}/state-0`)).toBe('state-0');
    expect(relativeUri(dir, 'file:///ckpt/job/chk-10/state-0')).toBeUndefined();
    expect(relativeUri(dir, dir)).toBeUndefined();
    expect(childUri(dir, 'state-0')).toBe(`${dir}/state-0`);
    expect(childUri('s3://bucket', 'x')).toBe('s3://bucket/x');
    expect(isRelativeUri('state-0')).toBe(true);
    expect(isRelativeUri('s3://bucket/x')).toBe(false);
    expect(isRelativeUri('/abs')).toBe(false);
  });
});
