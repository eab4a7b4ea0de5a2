import { afterEach, describe, expect, it } from 'vitest';
import { startTestingRestServer, stopTestingRestServers } from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

describe('health endpoints', () => {
  it('answers liveness with 200 {"status":"ok"}, also under /v1', async () => {
    const rest = await startTestingRestServer({ isReady: () => false });
    for (const path of ['/healthz', '/v1/healthz']) {
      const reply = await rest.call('GET', path);
      expect(reply.status, path).toBe(200);
      expect(reply.body, path).toEqual({ status: 'ok' });
    }
  });

  it('answers readiness with 503 "starting" until start-up is done, then 200 "ready"', async () => {
    let ready = false;
    const rest = await startTestingRestServer({ isReady: () => ready });
    for (const path of ['/readyz', '/v1/readyz']) {
      const reply = await rest.call('GET', path);
      expect(reply.status, path).toBe(503);
      expect(reply.body, path).toEqual({ status: 'starting' });
    }
    ready = true;
    for (const path of ['/readyz', '/v1/readyz']) {
      const reply = await rest.call('GET', path);
      expect(reply.status, path).toBe(200);
      expect(reply.body, path).toEqual({ status: 'ready' });
    }
    expect(rest.internalErrors).toEqual([]);
  });

  it('is ready without a readiness check (a server that is not part of a starting JobManager)', async () => {
    const rest = await startTestingRestServer();
    expect((await rest.call('GET', '/readyz')).status).toBe(200);
  });

  it('needs no token when rest.auth.token is set', async () => {
    const rest = await startTestingRestServer({ authToken: 'pr0be-t0ken', isReady: () => true });
    expect(await rest.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await rest.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    // The token still guards mutating requests on the same server.
    expect((await rest.call('DELETE', '/jars/unknown.js')).status).toBe(401);
  });

  it('allows only GET', async () => {
    const rest = await startTestingRestServer({ isReady: () => true });
    const reply = await rest.call('POST', '/readyz');
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET');
  });
});
