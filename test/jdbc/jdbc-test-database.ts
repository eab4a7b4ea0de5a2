/**
 * The real databases the JDBC sink tests run against, behind one interface: a PostgreSQL and a
 * MariaDB server started by test/support, a direct client for setting up tables and checking what
 * the sinks committed, and the dialect's SQL for the statements the tests use.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ServerAvailability } from '../support/server-availability.js';
import { mariaDbAvailable, startMariaDb } from '../support/mariadb-server.js';
import { postgresAvailable, startPostgres, type PostgresServerOptions } from '../support/postgres-server.js';

export interface JdbcTestDatabase {
  readonly url: string;
  /** SQL state and constraint name a duplicate primary key reports. */
  readonly duplicateKey: { readonly sqlState: string; readonly constraint: (table: string) => string };
  readonly missingTableState: string;
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** `(id BIGINT PRIMARY KEY, v VARCHAR(64))`, or without the key. */
  createTable(table: string, primaryKey?: boolean): Promise<void>;
  insertSql(table: string): string;
  /** An upsert on `id` that overwrites `v`. */
  upsertSql(table: string): string;
  /** Ids of all prepared (two-phase) transactions on the server. */
  preparedTransactions(): Promise<string[]>;
  /** Ends every other session of the sink's user from the server side (a lost connection). */
  terminateOtherSessions(): Promise<number>;
  stop(): Promise<void>;
}

export interface JdbcTestDatabaseKind {
  readonly name: 'PostgreSQL' | 'MariaDB';
  readonly available: () => ServerAvailability;
  readonly start: () => Promise<JdbcTestDatabase>;
}

export async function startPostgresDatabase(options: PostgresServerOptions = {}): Promise<JdbcTestDatabase> {
  const server = await startPostgres(options);
  const client = new pg.Client({ connectionString: server.connectionString });
  client.on('error', () => undefined);
  await client.connect();
  return {
    url: server.connectionString,
    duplicateKey: { sqlState: '23505', constraint: (table) => `${table}_pkey` },
    missingTableState: '42P01',
    query: async <R>(sql: string, params: readonly unknown[] = []) =>
      (await client.query({ text: sql, values: [...params] })).rows as R[],
    createTable: async (table, primaryKey = true) => {
      await client.query(
        `CREATE TABLE ${table} (id BIGINT${primaryKey ? ' PRIMARY KEY' : ''}, v VARCHAR(64))`,
      );
    },
    insertSql: (table) => `INSERT INTO ${table} (id, v) VALUES (?, ?)`,
    upsertSql: (table) =>
      `INSERT INTO ${table} (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v`,
    preparedTransactions: async () =>
      (await client.query<{ gid: string }>('SELECT gid FROM pg_prepared_xacts ORDER BY gid')).rows.map(
        (r) => r.gid,
      ),
    terminateOtherSessions: async () =>
      (
        await client.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'freshet-jdbc-sink'",
        )
      ).rowCount ?? 0,
    stop: async () => {
      await client.end().catch(() => undefined);
      await server.stop();
    },
  };
}

export async function startMariaDbDatabase(): Promise<JdbcTestDatabase> {
  const server = await startMariaDb();
  const connection = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
  });
  connection.on('error', () => undefined);
  const query = async <R>(sql: string, params: readonly unknown[] = []): Promise<R[]> =>
    (await connection.query(sql, [...params]))[0] as R[];
  return {
    url: server.connectionString,
    duplicateKey: { sqlState: '23000', constraint: () => 'PRIMARY' },
    missingTableState: '42S02',
    query,
    createTable: async (table, primaryKey = true) => {
      await query(
        `CREATE TABLE ${table} (id BIGINT${primaryKey ? ' PRIMARY KEY' : ''}, v VARCHAR(64)) ENGINE=InnoDB`,
      );
    },
    insertSql: (table) => `INSERT INTO ${table} (id, v) VALUES (?, ?)`,
    upsertSql: (table) => `INSERT INTO ${table} (id, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)`,
    preparedTransactions: async () => {
      const rows = await query<{ gtrid_length: number; data: Buffer | string }>('XA RECOVER');
      return rows
        .map((row) => Buffer.from(row.data).subarray(0, Number(row.gtrid_length)).toString('utf8'))
        .sort();
    },
    terminateOtherSessions: async () => {
      const sessions = await query<{ ID: number }>(
        'SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND USER = ?',
        [server.user],
      );
      for (const session of sessions) await query(`KILL ${Number(session.ID)}`);
      return sessions.length;
    },
    stop: async () => {
      await connection.end().catch(() => undefined);
      await server.stop();
    },
  };
}

export const JDBC_TEST_DATABASES: readonly JdbcTestDatabaseKind[] = [
  { name: 'PostgreSQL', available: postgresAvailable, start: () => startPostgresDatabase() },
  { name: 'MariaDB', available: mariaDbAvailable, start: startMariaDbDatabase },
];

/** `{ count, distinct }` of the ids in `table`. */
export async function countIds(
  database: JdbcTestDatabase,
  table: string,
): Promise<{ count: number; distinct: number }> {
  const [row] = await database.query<{ count: unknown; distinct_ids: unknown }>(
    `SELECT COUNT(*) AS count, COUNT(DISTINCT id) AS distinct_ids FROM ${table}`,
  );
  return { count: Number(row?.count ?? 0), distinct: Number(row?.distinct_ids ?? 0) };
}
