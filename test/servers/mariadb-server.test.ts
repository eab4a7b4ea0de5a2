import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { type MariaDbServer, mariaDbAvailable, startMariaDb } from '../support/mariadb-server.js';
import { describeWithServer } from '../support/server-availability.js';
import { isPortFree, isProcessAlive } from '../support/server-process.js';

async function connect(server: MariaDbServer): Promise<mysql.Connection> {
  return await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
  });
}

describeWithServer('MariaDB server', mariaDbAvailable, () => {
  let server: MariaDbServer | undefined;

  beforeAll(async () => {
    const started = performance.now();
    server = await startMariaDb();
    console.log(`mariadb start (install-db + server): ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('commits a prepared XA transaction from another connection', async () => {
    if (server === undefined) throw new Error('server not started');
    const writer = await connect(server);
    await writer.query(
      'CREATE TABLE events (id INT PRIMARY KEY, payload VARCHAR(32) NOT NULL) ENGINE=InnoDB',
    );
    await writer.query("XA START 'freshet-x'");
    await writer.query("INSERT INTO events VALUES (1, 'prepared')");
    await writer.query("XA END 'freshet-x'");
    await writer.query("XA PREPARE 'freshet-x'");
    // The prepared branch outlives its connection, as it must for a sink to recover it.
    await writer.end();

    const recoverer = await connect(server);
    try {
      const [recovered] = await recoverer.query<mysql.RowDataPacket[]>('XA RECOVER');
      expect(recovered.map((row) => String(row.data))).toEqual(['freshet-x']);
      const [before] = await recoverer.query<mysql.RowDataPacket[]>('SELECT * FROM events');
      expect(before).toHaveLength(0);

      await recoverer.query("XA COMMIT 'freshet-x'");
      const [after] = await recoverer.query<mysql.RowDataPacket[]>('SELECT id, payload FROM events');
      expect(after.map((row) => ({ ...row }))).toEqual([{ id: 1, payload: 'prepared' }]);
      const [remaining] = await recoverer.query<mysql.RowDataPacket[]>('XA RECOVER');
      expect(remaining).toHaveLength(0);
    } finally {
      await recoverer.end();
    }
  });

  it('stop() ends the server and frees its port', async () => {
    if (server === undefined) throw new Error('server not started');
    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(await isPortFree(server.port)).toBe(true);
  });

  it('kill() SIGKILLs the server and frees its port', async () => {
    const second = await startMariaDb();
    expect(isProcessAlive(second.pid)).toBe(true);
    await second.kill();
    expect(isProcessAlive(second.pid)).toBe(false);
    expect(await isPortFree(second.port)).toBe(true);
  });
});
