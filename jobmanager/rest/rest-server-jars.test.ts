import { afterEach, describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import { binaryishPayload, multipartBody } from './testing/testing-multipart.js';
import {
  startTestingRestServer,
  stopTestingRestServers,
  TEST_BOUNDARY,
  TEST_BUNDLE,
  uploadBody,
  uploadBundle,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

describe('POST /jars/upload', () => {
  it('stores the jarfile part byte for byte and answers Flink JarUploadResponseBody', async () => {
    const rest = await startTestingRestServer();
    const payload = binaryishPayload(TEST_BOUNDARY);
    const body = multipartBody(TEST_BOUNDARY, [
      { name: 'note', data: 'not the file' },
      {
        name: 'jarfile',
        filename: 'word-count.bundle.js',
        contentType: 'application/javascript',
        data: payload,
      },
    ]);
    const reply = await uploadBody(rest, body);
    expect(reply.status).toBe(200);
    expect(flinkSpecViolations('/jars/upload', 'POST', reply.status, reply.body)).toEqual([]);
    const { filename, status } = reply.body as { filename: string; status: string };
    expect(status).toBe('success');
    // As Flink: the stored file's path, whose last segment is the jar ID.
    const jarId = filename.slice(filename.lastIndexOf('/') + 1);
    expect(filename).toMatch(/^\/.+\/[^/]+_word-count\.bundle\.js$/);
    const stored = rest.backend.jars.get(jarId);
    expect(stored?.file.name).toBe('word-count.bundle.js');
    expect(stored?.bytes.equals(payload)).toBe(true);
  });

  it('accepts what fetch FormData sends (the way a client uploads a bundle)', async () => {
    const rest = await startTestingRestServer();
    const form = new FormData();
    form.append('jarfile', new Blob([TEST_BUNDLE]), 'wörd count.js');
    const reply = await rest.call('POST', '/v1/jars/upload', { body: form });
    expect(reply.status).toBe(200);
    const [jar] = rest.backend.jars.values();
    expect(jar?.bytes.equals(TEST_BUNDLE)).toBe(true);
    expect(jar?.file.name).toBe('wörd count.js');
  });

  it('ignores a preamble and an epilogue and keeps only the base name of the file name', async () => {
    const rest = await startTestingRestServer();
    const parts = multipartBody(TEST_BOUNDARY, [
      { name: 'jarfile', filename: '..\\..\\evil/../job.js', data: TEST_BUNDLE },
    ]);
    const body = Buffer.concat([Buffer.from('preamble\r\n'), parts, Buffer.from('epilogue\r\n')]);
    expect((await uploadBody(rest, body)).status).toBe(200);
    expect([...rest.backend.jars.values()][0]?.file.name).toBe('job.js');
  });

  it.each([
    [
      'no jarfile part',
      multipartBody(TEST_BOUNDARY, [{ name: 'file', filename: 'job.js', data: TEST_BUNDLE }]),
      "'jarfile'",
    ],
    ['no parts at all', Buffer.from(`--${TEST_BOUNDARY}--\r\n`), "no 'jarfile' part"],
    [
      'jarfile is not a file',
      multipartBody(TEST_BOUNDARY, [{ name: 'jarfile', data: TEST_BUNDLE }]),
      'must be a file',
    ],
    [
      'two jarfile parts',
      multipartBody(TEST_BOUNDARY, [
        { name: 'jarfile', filename: 'a.js', data: TEST_BUNDLE },
        { name: 'jarfile', filename: 'b.js', data: TEST_BUNDLE },
      ]),
      'exactly 1',
    ],
    [
      'an empty file',
      multipartBody(TEST_BOUNDARY, [{ name: 'jarfile', filename: 'a.js', data: '' }]),
      'is empty',
    ],
    [
      'LF instead of CRLF',
      Buffer.from(
        `--${TEST_BOUNDARY}\nContent-Disposition: form-data; name="jarfile"; filename="a.js"\n\nx\n--${TEST_BOUNDARY}--\n`,
      ),
      'CRLF',
    ],
    [
      'a truncated body',
      multipartBody(TEST_BOUNDARY, [{ name: 'jarfile', filename: 'a.js', data: TEST_BUNDLE }]).subarray(
        0,
        150,
      ),
      'no closing boundary',
    ],
  ])('%s is 400 with a clear message', async (_case, body, message) => {
    const rest = await startTestingRestServer();
    const reply = await uploadBody(rest, body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ errors: [expect.stringContaining(message)] });
    expect(rest.backend.jars.size).toBe(0);
  });

  it('a request that is not multipart/form-data is 400', async () => {
    const rest = await startTestingRestServer();
    const reply = await rest.call('POST', '/jars/upload', {
      body: TEST_BUNDLE,
      headers: { 'content-type': 'application/x-java-archive' },
    });
    expect(reply).toMatchObject({
      status: 400,
      body: { errors: [expect.stringContaining('multipart/form-data')] },
    });
  });

  it('a file the backend rejects as a bundle is 400 with its message', async () => {
    const rest = await startTestingRestServer();
    rest.backend.isBundle = (bytes) => bytes.subarray(0, 12).toString() === '"use strict"';
    const reply = await uploadBody(
      rest,
      multipartBody(TEST_BOUNDARY, [
        { name: 'jarfile', filename: 'pic.png', data: Buffer.from([0x89, 0x50]) },
      ]),
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ errors: ['pic.png is not a job bundle'] });
  });
});

describe('GET /jars, POST /jars/:jarid/run, DELETE /jars/:jarid', () => {
  it('lists uploaded jars as Flink JarListInfo', async () => {
    const rest = await startTestingRestServer();
    const jarId = await uploadBundle(rest);
    const reply = await rest.call('GET', '/jars');
    expect(flinkSpecViolations('/jars', 'GET', reply.status, reply.body)).toEqual([]);
    expect(reply.body).toEqual({
      address: `http://127.0.0.1:${rest.server.port}`,
      files: [
        {
          id: jarId,
          name: 'job.js',
          uploaded: rest.backend.jars.get(jarId)?.file.uploaded,
          entry: [{ name: 'main', description: null }],
        },
      ],
    });
  });

  it('runs a jar with Flink JarRunRequestBody and answers {jobid}', async () => {
    const rest = await startTestingRestServer();
    const jarId = await uploadBundle(rest);
    const reply = await rest.call('POST', `/jars/${jarId}/run`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        programArgsList: ['--input', 'a b.txt'],
        parallelism: 4,
        savepointPath: 'file:///tmp/savepoint-0123ab-cdef01234567',
        allowNonRestoredState: true,
        entryClass: null,
      }),
    });
    expect(reply).toMatchObject({ status: 200, body: { jobid: rest.backend.nextJobId } });
    expect(flinkSpecViolations('/jars/{jarid}/run', 'POST', reply.status, reply.body)).toEqual([]);
    expect(rest.backend.runs).toEqual([
      {
        jarId,
        request: {
          programArgsList: ['--input', 'a b.txt'],
          parallelism: 4,
          savepointPath: 'file:///tmp/savepoint-0123ab-cdef01234567',
          allowNonRestoredState: true,
        },
      },
    ]);
  });

  it('runs with defaults when there is no body, and takes query parameters', async () => {
    const rest = await startTestingRestServer();
    const jarId = await uploadBundle(rest);
    expect((await rest.call('POST', `/jars/${jarId}/run`)).status).toBe(200);
    const fixed = JobId.generate();
    const reply = await rest.call('POST', `/v1/jars/${jarId}/run?parallelism=2&programArg=a,b`, {
      body: JSON.stringify({ jobId: fixed }),
    });
    expect(reply.body).toEqual({ jobid: fixed });
    expect(rest.backend.runs.map((r) => r.request)).toEqual([
      { programArgsList: [], allowNonRestoredState: false },
      { programArgsList: ['a', 'b'], parallelism: 2, allowNonRestoredState: false, jobId: fixed },
    ]);
  });

  it.each([
    ['{"parallelism": ', 'not valid JSON'],
    ['[1, 2]', 'must be a JSON object'],
    ['{"parallelism": 0}', 'positive integer'],
    ['{"programArgsList": "--a"}', 'array of strings'],
    ['{"programArgs": "a", "programArgsList": ["a"]}', 'use only programArgsList'],
    ['{"allowNonRestoredState": "yes"}', 'true or false'],
    ['{"entryClass": "com.example.Main"}', 'not supported'],
    ['{"parralelism": 2}', "unknown field 'parralelism'"],
    ['{"jobId": "nope"}', "'nope' is not a valid job ID"],
  ])('a bad run request %s is 400', async (body, message) => {
    const rest = await startTestingRestServer();
    const jarId = await uploadBundle(rest);
    const reply = await rest.call('POST', `/jars/${jarId}/run`, { body });
    expect(reply).toMatchObject({ status: 400, body: { errors: [expect.stringContaining(message)] } });
    expect(rest.backend.runs).toEqual([]);
  });

  it('unknown jars are 404 with errors; a jar ID that is a path is 400', async () => {
    const rest = await startTestingRestServer();
    const run = await rest.call('POST', '/jars/nope.js/run', { body: '{}' });
    expect(run).toMatchObject({ status: 404, body: { errors: ['jar nope.js not found; upload it first'] } });
    const del = await rest.call('DELETE', '/jars/nope.js');
    expect(del).toMatchObject({ status: 404, body: { errors: [expect.stringContaining('nope.js')] } });
    const traversal = await rest.call('DELETE', '/jars/..%2F..%2Fetc%2Fpasswd');
    expect(traversal).toMatchObject({
      status: 400,
      body: { errors: [expect.stringContaining('not a valid jar ID')] },
    });
  });

  it('deletes a jar', async () => {
    const rest = await startTestingRestServer();
    const jarId = await uploadBundle(rest);
    const reply = await rest.call('DELETE', `/jars/${jarId}`);
    expect(reply).toMatchObject({ status: 200, body: {} });
    expect(flinkSpecViolations('/jars/{jarid}', 'DELETE', reply.status, reply.body)).toEqual([]);
    expect(rest.backend.deletedJars).toEqual([jarId]);
    expect((await rest.call('GET', '/jars')).body).toMatchObject({ files: [] });
    expect((await rest.call('DELETE', `/jars/${jarId}`)).status).toBe(404);
  });
});
