import { describe, expect, it } from 'vitest';
import { RestRouter } from './rest-router.js';

const router = new RestRouter<string>()
  .add('GET', '/jobs', 'list')
  .add('GET', '/jobs/overview', 'overview')
  .add('GET', '/jobs/:jobid', 'details')
  .add('PATCH', '/jobs/:jobid', 'cancel');

describe('RestRouter', () => {
  it('matches literal routes before parameters in the order they were added', () => {
    expect(router.match('GET', '/jobs/overview')).toMatchObject({ kind: 'found', handler: 'overview' });
    expect(router.match('GET', '/jobs/abc')).toEqual({
      kind: 'found',
      handler: 'details',
      params: { jobid: 'abc' },
    });
  });

  it('strips the /v1 prefix only as a whole segment', () => {
    expect(router.match('GET', '/v1/jobs')).toMatchObject({ kind: 'found', handler: 'list' });
    expect(router.match('GET', '/v1jobs')).toEqual({ kind: 'not-found' });
  });

  it('decodes path parameters', () => {
    expect(router.match('GET', '/jobs/a%20b')).toMatchObject({ params: { jobid: 'a b' } });
    expect(() => router.match('GET', '/jobs/%E0%A4%A')).toThrow('malformed percent-encoding');
  });

  it('tells 404 from 405', () => {
    expect(router.match('GET', '/jobs/')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/nothing')).toEqual({ kind: 'not-found' });
    expect(router.match('DELETE', '/jobs/abc')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET', 'PATCH'],
    });
  });
});
