import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { type PostgresServer, postgresAvailable, startPostgres } from '../support/postgres-server.js';
import { describeWithServer } from '../support/server-availability.js';
import { isPortFree, isProcessAlive, waitFor } from '../support/server-process.js';

/** System V shared memory segment ids that exist now. */
function sharedMemoryIds(): string[] {
  return readFileSync('/proc/sysvipc/shm', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[1] ?? '')
    .filter((id) => id !== '');
}

async function connect(server: PostgresServer): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.connectionString });
  // A killed server makes open clients emit 'error'; the test checks the outcome instead.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describeWithServer('PostgreSQL server', postgresAvailable, () => {
  let server: PostgresServer | undefined;

  beforeAll(async () => {
    const started = performance.now();
    server = await startPostgres();
    console.log(`postgres start (initdb + server): ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('commits a prepared transaction (two-phase commit)', async () => {
    if (server === undefined) throw new Error('server not started');
    const writer = await connect(server);
    const reader = await connect(server);
    try {
      await writer.query('CREATE TABLE events (id integer PRIMARY KEY, payload text NOT NULL)');
      await writer.query('BEGIN');
      await writer.query("INSERT INTO events VALUES (1, 'prepared')");
      await writer.query("PREPARE TRANSACTION 'freshet-x'");

      const prepared = await reader.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts');
      expect(prepared.rows.map((row) => row.gid)).toEqual(['freshet-x']);
      const before = await reader.query('SELECT * FROM events');
      expect(before.rowCount).toBe(0);

      // Any session may finish a prepared transaction, as a recovering sink would.
      await reader.query("COMMIT PREPARED 'freshet-x'");
      const after = await writer.query<{ id: number; payload: string }>('SELECT id, payload FROM events');
      expect(after.rows).toEqual([{ id: 1, payload: 'prepared' }]);
      expect((await reader.query('SELECT gid FROM pg_prepared_xacts')).rowCount).toBe(0);
    } finally {
      await writer.end();
      await reader.end();
    }
  });

  it('stop() ends the server and frees its port', async () => {
    if (server === undefined) throw new Error('server not started');
    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(await isPortFree(server.port)).toBe(true);
  });

  it('kill() SIGKILLs the postmaster and its backends', async () => {
    const second = await startPostgres();
    const client = await connect(second);
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    expect(backend).toBeTypeOf('number');
    const shmid = readFileSync(join(second.dataDirectory, 'postmaster.pid'), 'utf8')
      .split('\n')[6]
      ?.trim()
      .split(/\s+/)[1];
    expect(shmid).toMatch(/^\d+$/);
    expect(sharedMemoryIds()).toContain(shmid);
    await second.kill();
    // kill() also removes the System V segment a killed postmaster leaves behind (it disappears
    // once the dying backends have detached).
    await waitFor(
      'shared memory segment removed',
      () => Promise.resolve(sharedMemoryIds().includes(shmid ?? '') ? undefined : true),
      { timeoutMs: 10_000 },
    );
    expect(isProcessAlive(second.pid)).toBe(false);
    // The backend got SIGKILL too; it is gone once the system has reaped it.
    await waitFor('backend gone', () => Promise.resolve(isProcessAlive(backend ?? 0) ? undefined : true), {
      timeoutMs: 10_000,
    });
    expect(await isPortFree(second.port)).toBe(true);
    await client.end().catch(() => undefined);
  });
});
