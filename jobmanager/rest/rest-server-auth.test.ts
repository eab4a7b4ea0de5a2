import { afterEach, describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { testingJobDetails } from './testing/testing-job-fixtures.js';
import { multipartBody } from './testing/testing-multipart.js';
import { TestingRestBackend } from './testing/testing-rest-backend.js';
import {
  startTestingRestServer,
  stopTestingRestServers,
  type TestingRestServer,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

const TOKEN = 's3cr3t-t0ken';
const JOB_ID = JobId.parse('00112233445566778899aabbccddeeff');
const BOUNDARY = 'auth-test-boundary';

async function guardedServer(): Promise<TestingRestServer> {
  const backend = new TestingRestBackend();
  backend.addJob(testingJobDetails({ jobId: JOB_ID }));
  return startTestingRestServer({ authToken: TOKEN, maxContentLength: 4096 }, backend);
}

function uploadInit(headers: Record<string, string>, size = 16): RequestInit {
  return {
    body: multipartBody(BOUNDARY, [{ name: 'jarfile', filename: 'job.js', data: Buffer.alloc(size, 0x61) }]),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

describe('bearer token (rest.auth.token)', () => {
  it('leaves GET endpoints open', async () => {
    const rest = await guardedServer();
    for (const path of [
      '/overview',
      '/config',
      '/taskmanagers',
      '/jobs',
      '/jobs/overview',
      `/jobs/${JOB_ID}`,
      '/jars',
    ]) {
      expect((await rest.call('GET', path)).status, path).toBe(200);
    }
  });

  it('rejects mutating requests without a token with 401, errors and WWW-Authenticate', async () => {
    const rest = await guardedServer();
    const jarId = 'known.js';
    rest.backend.addJar(jarId);
    const attempts: [string, string, RequestInit][] = [
      ['POST', '/jars/upload', uploadInit({})],
      ['POST', `/jars/${jarId}/run`, { body: '{}' }],
      ['DELETE', `/jars/${jarId}`, {}],
      ['PATCH', `/jobs/${JOB_ID}?mode=cancel`, {}],
    ];
    for (const [method, path, init] of attempts) {
      const reply = await rest.call(method, path, init);
      expect(reply.status, `${method} ${path}`).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="freshet"');
      expect(reply.body).toEqual({ errors: [expect.stringContaining('Authorization: Bearer')] });
    }
    expect(rest.backend.cancelled).toEqual([]);
    expect(rest.backend.runs).toEqual([]);
    expect(rest.backend.deletedJars).toEqual([]);
    expect(rest.backend.jars.size).toBe(1);
  });

  it.each([
    ['a wrong token', bearer('wrong')],
    ['a token prefix', bearer(TOKEN.slice(0, -1))],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
    ['no token after Bearer', { authorization: 'Bearer ' }],
  ])('rejects %s with 401', async (_case, headers) => {
    const rest = await guardedServer();
    const reply = await rest.call('PATCH', `/jobs/${JOB_ID}?mode=cancel`, { headers });
    expect(reply.status).toBe(401);
    expect(rest.backend.cancelled).toEqual([]);
  });

  it('lets mutating requests with the token through', async () => {
    const rest = await guardedServer();
    const upload = await rest.call('POST', '/jars/upload', uploadInit(bearer(TOKEN)));
    expect(upload.status).toBe(200);
    const filename = (upload.body as { filename: string }).filename;
    const jarId = filename.slice(filename.lastIndexOf('/') + 1);
    const run = await rest.call('POST', `/jars/${jarId}/run`, { body: '{}', headers: bearer(TOKEN) });
    expect(run.status).toBe(200);
    const cancel = await rest.call('PATCH', `/jobs/${JOB_ID}?mode=cancel`, {
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(cancel.status).toBe(202);
    expect(rest.backend.cancelled).toEqual([JOB_ID]);
    expect((await rest.call('DELETE', `/jars/${jarId}`, { headers: bearer(TOKEN) })).status).toBe(200);
  });

  it('checks the token before reading the body: an unauthenticated oversized upload is 401', async () => {
    const rest = await guardedServer();
    const reply = await rest.call('POST', '/jars/upload', uploadInit({}, 64 * 1024));
    expect(reply.status).toBe(401);
    expect(reply.headers.get('connection')).toBe('close');
  });

  it('without a configured token, mutating requests need no header', async () => {
    const backend = new TestingRestBackend();
    backend.addJob(testingJobDetails({ jobId: JOB_ID }));
    const rest = await startTestingRestServer({}, backend);
    expect((await rest.call('PATCH', `/jobs/${JOB_ID}?mode=cancel`)).status).toBe(202);
  });

  it('refuses to start with an empty token or a bad size limit', async () => {
    await expect(startTestingRestServer({ authToken: '' })).rejects.toThrow('rest.auth.token');
    await expect(startTestingRestServer({ maxContentLength: 0 })).rejects.toThrow('max-content-length');
  });
});
