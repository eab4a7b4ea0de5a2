import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { multipartBody } from './testing/testing-multipart.js';
import {
  startTestingRestServer,
  stopTestingRestServers,
  TEST_BOUNDARY,
  TEST_MULTIPART,
  uploadBody,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

describe('request size limit (rest.server.max-content-length)', () => {
  const LIMIT = 4096;

  it('a body of exactly the limit is accepted', async () => {
    const head = multipartBody(TEST_BOUNDARY, [{ name: 'jarfile', filename: 'a.js', data: '' }]).length;
    const body = multipartBody(TEST_BOUNDARY, [
      { name: 'jarfile', filename: 'a.js', data: 'x'.repeat(LIMIT - head) },
    ]);
    expect(body.length).toBe(LIMIT);
    const rest = await startTestingRestServer({ maxContentLength: LIMIT });
    expect((await uploadBody(rest, body)).status).toBe(200);
  });

  it('an oversized upload with Content-Length is 413 and stores nothing', async () => {
    const rest = await startTestingRestServer({ maxContentLength: LIMIT });
    const body = multipartBody(TEST_BOUNDARY, [
      { name: 'jarfile', filename: 'a.js', data: Buffer.alloc(LIMIT) },
    ]);
    const reply = await uploadBody(rest, body);
    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({ errors: [expect.stringMatching(/exceeds the limit of 4096 bytes/)] });
    expect(reply.headers.get('connection')).toBe('close');
    expect(rest.backend.jars.size).toBe(0);
  });

  it('an oversized chunked upload (no Content-Length) is 413 once the limit is passed', async () => {
    const rest = await startTestingRestServer({ maxContentLength: LIMIT });
    const chunks = Array.from({ length: 64 }, () => new Uint8Array(1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.pop();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const reply = await rest.call('POST', '/jars/upload', {
      body: stream,
      headers: { 'content-type': TEST_MULTIPART },
      duplex: 'half',
    });
    expect(reply.status).toBe(413);
    expect(rest.backend.jars.size).toBe(0);
  });

  it('stops reading: a client streaming 256 MiB gets 413 and the connection closed early', async () => {
    const rest = await startTestingRestServer({ maxContentLength: LIMIT });
    const total = 256 * 1024 * 1024;
    const { response, written } = await streamToServer(rest.server.port, total);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"errors"');
    expect(written).toBeLessThan(total / 4);
  });

  it('answers Expect: 100-continue for an oversized body with 413 before the body is sent', async () => {
    const rest = await startTestingRestServer({ maxContentLength: LIMIT });
    const head = (length: number): string =>
      `POST /jars/upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${TEST_MULTIPART}\r\n` +
      `Content-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;
    expect(await exchange(rest.server.port, head(LIMIT + 1))).toMatch(/^HTTP\/1\.1 413 /);
    expect(await exchange(rest.server.port, head(LIMIT))).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
    expect(rest.backend.jars.size).toBe(0);
  });

  it('survives a client that hangs up mid-body', async () => {
    const rest = await startTestingRestServer({ maxContentLength: LIMIT });
    const socket = connect(rest.server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /jars/upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${TEST_MULTIPART}\r\nContent-Length: 1000\r\n\r\n--`,
    );
    await new Promise<void>((resolve) => socket.end(() => resolve()));
    socket.destroy();
    expect((await rest.call('GET', '/jars')).status).toBe(200);
    expect(rest.backend.jars.size).toBe(0);
    expect(rest.internalErrors).toEqual([]);
  });

  it('the run request body is limited too', async () => {
    const jarId = 'known.js';
    const rest = await startTestingRestServer({ maxContentLength: 64 });
    rest.backend.addJar(jarId);
    const reply = await rest.call('POST', `/jars/${jarId}/run`, {
      body: JSON.stringify({ programArgsList: ['x'.repeat(100)] }),
    });
    expect(reply.status).toBe(413);
    expect(rest.backend.runs).toEqual([]);
  });
});

/** Writes an upload of `total` bytes over a raw socket until the server answers and hangs up. */
function streamToServer(port: number, total: number): Promise<{ response: string; written: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let written = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => {
      while (written < total && !socket.destroyed) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(
        `POST /jars/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${TEST_MULTIPART}\r\n` +
          `Transfer-Encoding: chunked\r\n\r\n`,
      );
      // One endless chunk: the server must give up before it ends.
      socket.write(`${total.toString(16)}\r\n`);
      pump();
    });
    socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
    socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server hangs up
    socket.on('close', () => resolve({ response, written }));
  });
}

/** Sends `request` (headers only) and resolves with the first bytes the server answers. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.once('data', (data: Buffer) => {
      socket.destroy();
      resolve(data.toString('latin1'));
    });
    socket.once('error', reject);
  });
}
