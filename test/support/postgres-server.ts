/**
 * A real PostgreSQL server for tests: the machine's `initdb` and `postgres` (on PATH or under
 * /usr/lib/postgresql/<version>/bin), a fresh data directory in a temp dir, trust authentication,
 * 127.0.0.1 on a free port, its unix socket in the temp dir, and `max_prepared_transactions=64` so
 * two-phase commit works. PostgreSQL refuses to run as root: as root it runs as the `postgres`
 * user (Debian's package creates it) or `nobody`.
 */
import { spawnSync } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import type { ServerAvailability } from './server-availability.js';
import {
  findExecutable,
  findFreePorts,
  killServerProcess,
  privilegeDropProblem,
  readLogTail,
  runCommand,
  type ServerProcess,
  spawnServer,
  stopServerProcess,
  unprivilegedUser,
  versionedSubdirectories,
  waitFor,
} from './server-process.js';

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  /** Superuser, no password (trust auth). */
  readonly user: string;
  readonly database: string;
  /** The cluster's data directory (PGDATA). */
  readonly dataDirectory: string;
  /** Directory of the unix socket (`.s.PGSQL.<port>`). */
  readonly socketDirectory: string;
  /** pid of the postmaster. */
  readonly pid: number;
  /** The server's log file (inside the temp dir, gone after stop/kill). */
  readonly logFile: string;
  /** Fast shutdown (SIGINT), SIGKILL after a deadline; removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILLs the postmaster and its backends (fault tests); removes the temp dir. */
  kill(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Deadline for initdb plus start-up; default 60 s. */
  readonly startTimeoutMs?: number;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

const RUN_AS_CANDIDATES = ['postgres', 'nobody'] as const;
const USER = 'postgres';
const DATABASE = 'postgres';
const STOP_DEADLINE_MS = 15_000;

interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

function findBinaries(): PostgresBinaries | undefined {
  const debianDirs = versionedSubdirectories('/usr/lib/postgresql').map((version) =>
    join('/usr/lib/postgresql', version, 'bin'),
  );
  // Prefer a matching pair from the same directory.
  for (const dir of debianDirs) {
    const initdb = findExecutable(['initdb'], [dir]);
    const postgres = findExecutable(['postgres'], [dir]);
    if (initdb?.startsWith(dir) === true && postgres?.startsWith(dir) === true) return { initdb, postgres };
  }
  const initdb = findExecutable(['initdb']);
  const postgres = findExecutable(['postgres']);
  return initdb !== undefined && postgres !== undefined ? { initdb, postgres } : undefined;
}

/** Whether `startPostgres()` can work on this machine. */
export function postgresAvailable(): ServerAvailability {
  if (findBinaries() === undefined) {
    return {
      ok: false,
      reason:
        'PostgreSQL server binaries (initdb, postgres) not found on PATH or under /usr/lib/postgresql/*/bin',
    };
  }
  const problem = privilegeDropProblem(RUN_AS_CANDIDATES);
  return problem === undefined ? { ok: true } : { ok: false, reason: problem };
}

async function canQuery(port: number): Promise<true> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    database: DATABASE,
    connectionTimeoutMillis: 2_000,
  });
  // A refused connection also emits 'error' on the client; the rejected connect() reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binaries = findBinaries();
  if (binaries === undefined) {
    const availability = postgresAvailable();
    throw new Error(
      `cannot start PostgreSQL: ${availability.ok ? 'binaries not found' : availability.reason}`,
    );
  }
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const runAs = unprivilegedUser(RUN_AS_CANDIDATES);
  const directory = await mkdtemp(join(tmpdir(), 'freshet-postgres-'));
  let server: ServerProcess | undefined;
  const logFile = join(directory, 'postgres.log');
  try {
    if (runAs !== undefined) await chown(directory, runAs.uid, runAs.gid);
    const dataDirectory = join(directory, 'data');
    const env = { ...process.env, HOME: directory, LC_ALL: 'C' };
    await runCommand(
      binaries.initdb,
      ['-D', dataDirectory, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
      { cwd: directory, logFile: join(directory, 'initdb.log'), env, runAs, timeoutMs },
    );
    const [port] = await findFreePorts(1);
    if (port === undefined) throw new Error('no free port');
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: directory,
      max_prepared_transactions: '64',
      max_connections: '100',
      // A test server: durability against OS crashes is not needed (process crashes are still safe).
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      ...options.settings,
    };
    const args = ['-D', dataDirectory, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const started = spawnServer(binaries.postgres, args, { cwd: directory, logFile, env, runAs });
    server = started;
    await waitFor('PostgreSQL accepting connections', () => canQuery(port), {
      timeoutMs,
      abortIf: () => {
        const exit = started.exit();
        return exit === undefined ? undefined : `postgres exited (code ${String(exit.code)})`;
      },
    }).catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n--- postgres log ---\n${await readLogTail(logFile)}`, { cause: error });
    });
    return handle(started, directory, port, logFile);
  } catch (error) {
    if (server !== undefined) {
      await killServerProcess(server);
      await removeSharedMemory(join(directory, 'data'));
    }
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

function handle(proc: ServerProcess, directory: string, port: number, logFile: string): PostgresServer {
  let finished: Promise<void> | undefined;
  const finish = (how: () => Promise<unknown>): Promise<void> => {
    finished ??= (async () => {
      try {
        await how();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    })();
    return finished;
  };
  return {
    connectionString: `postgresql://${USER}@127.0.0.1:${port}/${DATABASE}`,
    host: '127.0.0.1',
    port,
    user: USER,
    database: DATABASE,
    dataDirectory: join(directory, 'data'),
    socketDirectory: directory,
    pid: proc.pid,
    logFile,
    stop: () => finish(() => stopServerProcess(proc, 'SIGINT', STOP_DEADLINE_MS)),
    kill: () =>
      finish(async () => {
        await killServerProcess(proc);
        await removeSharedMemory(join(directory, 'data'));
      }),
  };
}

/**
 * A killed postmaster leaves its System V shared memory segment behind (shutdown would remove it).
 * Line 7 of postmaster.pid holds `<key> <shmid>`; `ipcrm` marks it for removal.
 */
async function removeSharedMemory(dataDirectory: string): Promise<void> {
  const pidFile = await readFile(join(dataDirectory, 'postmaster.pid'), 'utf8').catch(() => '');
  const shmid = pidFile.split('\n')[6]?.trim().split(/\s+/)[1];
  if (shmid !== undefined && /^\d+$/.test(shmid)) spawnSync('ipcrm', ['-m', shmid], { stdio: 'ignore' });
}
