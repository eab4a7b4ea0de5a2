import { afterEach, describe, expect, it } from 'vitest';
import { TaskManagerHealthServer, type TaskManagerHealth } from './task-manager-health-server.js';

const servers: TaskManagerHealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(health: () => TaskManagerHealth): Promise<TaskManagerHealthServer> {
  const server = await TaskManagerHealthServer.start({ host: '127.0.0.1', port: 0, health });
  servers.push(server);
  return server;
}

async function get(
  server: TaskManagerHealthServer,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
  return { status: response.status, body: await response.json() };
}

describe('TaskManagerHealthServer', () => {
  it('binds a free port when asked for port 0', async () => {
    const server = await start(() => ({ registered: false, resourceId: 'tm', jobManager: 'ws://jm:6123' }));
    expect(server.port).toBeGreaterThan(0);
  });

  it('is live regardless of registration', async () => {
    const server = await start(() => ({ registered: false, resourceId: 'tm', jobManager: 'ws://jm:6123' }));
    expect(await get(server, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('is ready only while registered, following the state it reads on every request', async () => {
    const state = { registered: false, resourceId: 'tm-1', jobManager: 'ws://jm:6123' };
    const server = await start(() => state);

    expect(await get(server, '/readyz')).toEqual({
      status: 503,
      body: { status: 'not-ready', registered: false, resourceId: 'tm-1', jobManager: 'ws://jm:6123' },
    });
    state.registered = true;
    expect(await get(server, '/readyz')).toEqual({
      status: 200,
      body: { status: 'ready', registered: true, resourceId: 'tm-1', jobManager: 'ws://jm:6123' },
    });
    state.registered = false; // the JobManager connection was lost
    expect((await get(server, '/readyz')).status).toBe(503);
    expect((await get(server, '/healthz')).status).toBe(200);
  });

  it('ignores a query string on the probe paths', async () => {
    const server = await start(() => ({ registered: true, resourceId: 'tm', jobManager: 'ws://jm:6123' }));
    expect((await get(server, '/readyz?verbose=1')).status).toBe(200);
  });

  it('answers 404 for other paths and methods', async () => {
    const server = await start(() => ({ registered: true, resourceId: 'tm', jobManager: 'ws://jm:6123' }));
    expect((await get(server, '/')).status).toBe(404);
    expect((await get(server, '/healthz/extra')).status).toBe(404);
    expect((await get(server, '/readyz', 'POST')).status).toBe(404);
  });

  it('stops answering once closed (idempotently)', async () => {
    const server = await start(() => ({ registered: true, resourceId: 'tm', jobManager: 'ws://jm:6123' }));
    await server.close();
    await server.close();
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });
});
