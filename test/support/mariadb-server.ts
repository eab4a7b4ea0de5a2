/**
 * A real MariaDB (or MySQL-compatible) server for tests: the machine's `mariadbd`/`mysqld` with a
 * data directory made by `mariadb-install-db`/`mysql_install_db` in a temp dir, 127.0.0.1 on a free
 * port, its socket in the temp dir, user `root` with no password over TCP, and a `freshet`
 * database. XA transactions are on (MariaDB's default). As root it runs as the `mysql` user
 * (Debian's package creates it) or `nobody`. Install with `.ci/install-test-servers.sh`.
 */
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import mysql from 'mysql2/promise';

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
  waitFor,
} from './server-process.js';

export interface MariaDbServer {
  /** `mysql://root@127.0.0.1:<port>/freshet` */
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  /** `root`, no password. */
  readonly user: string;
  readonly password: string;
  /** A database created at start-up (`freshet`). */
  readonly database: string;
  readonly socketPath: string;
  readonly pid: number;
  /** The server's error log (inside the temp dir, gone after stop/kill). */
  readonly logFile: string;
  /** SIGTERM (clean shutdown), SIGKILL after a deadline; removes the temp dir. */
  stop(): Promise<void>;
  /** SIGKILLs the server (fault tests); removes the temp dir. */
  kill(): Promise<void>;
}

export interface MariaDbServerOptions {
  /** Deadline for install-db plus start-up; default 60 s. */
  readonly startTimeoutMs?: number;
  /** Extra `--name=value` server options. */
  readonly serverOptions?: Readonly<Record<string, string>>;
}

const RUN_AS_CANDIDATES = ['mysql', 'nobody'] as const;
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin', '/usr/bin'];
const USER = 'root';
const DATABASE = 'freshet';
const STOP_DEADLINE_MS = 15_000;

/**
 * InnoDB settings for a throwaway server: nothing is fsynced, but every commit reaches the OS, so
 * a killed server (not a crashed machine) keeps committed and prepared transactions.
 */
const INNODB_OPTIONS = [
  '--innodb-flush-method=nosync',
  '--innodb-doublewrite=0',
  '--innodb-flush-log-at-trx-commit=2',
  '--innodb-log-file-size=16M',
  '--innodb-buffer-pool-size=64M',
];

interface MariaDbBinaries {
  readonly server: string;
  readonly installDb: string;
}

function findBinaries(): MariaDbBinaries | undefined {
  const server = findExecutable(['mariadbd', 'mysqld'], SBIN_DIRS);
  const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db'], SBIN_DIRS);
  return server !== undefined && installDb !== undefined ? { server, installDb } : undefined;
}

/** Whether `startMariaDb()` can work on this machine. */
export function mariaDbAvailable(): ServerAvailability {
  if (findBinaries() === undefined) {
    return {
      ok: false,
      reason:
        'MariaDB server binaries (mariadbd/mysqld and mariadb-install-db/mysql_install_db) not found; ' +
        'install them with .ci/install-test-servers.sh (Debian package mariadb-server)',
    };
  }
  const problem = privilegeDropProblem(RUN_AS_CANDIDATES);
  return problem === undefined ? { ok: true } : { ok: false, reason: problem };
}

async function createDatabase(port: number): Promise<true> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port,
    user: USER,
    password: '',
    connectTimeout: 2_000,
  });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
    return true;
  } finally {
    await connection.end().catch(() => undefined);
  }
}

export async function startMariaDb(options: MariaDbServerOptions = {}): Promise<MariaDbServer> {
  const binaries = findBinaries();
  if (binaries === undefined) {
    const availability = mariaDbAvailable();
    throw new Error(`cannot start MariaDB: ${availability.ok ? 'binaries not found' : availability.reason}`);
  }
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const runAs = unprivilegedUser(RUN_AS_CANDIDATES);
  const directory = await mkdtemp(join(tmpdir(), 'freshet-mariadb-'));
  const logFile = join(directory, 'error.log');
  let server: ServerProcess | undefined;
  try {
    if (runAs !== undefined) await chown(directory, runAs.uid, runAs.gid);
    const dataDirectory = join(directory, 'data');
    const env = { ...process.env, HOME: directory };
    await runCommand(
      binaries.installDb,
      [
        '--no-defaults',
        `--datadir=${dataDirectory}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...INNODB_OPTIONS,
      ],
      { cwd: directory, logFile: join(directory, 'install-db.log'), env, runAs, timeoutMs },
    );
    const [port] = await findFreePorts(1);
    if (port === undefined) throw new Error('no free port');
    const socketPath = join(directory, 'mysqld.sock');
    const args = [
      '--no-defaults',
      `--datadir=${dataDirectory}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socketPath}`,
      `--pid-file=${join(directory, 'mysqld.pid')}`,
      `--log-error=${logFile}`,
      `--tmpdir=${directory}`,
      '--skip-name-resolve',
      ...INNODB_OPTIONS,
      ...Object.entries(options.serverOptions ?? {}).map(([name, value]) => `--${name}=${value}`),
    ];
    const started = spawnServer(binaries.server, args, {
      cwd: directory,
      logFile: join(directory, 'stdout.log'),
      env,
      runAs,
    });
    server = started;
    await waitFor('MariaDB accepting connections', () => createDatabase(port), {
      timeoutMs,
      abortIf: () => {
        const exit = started.exit();
        return exit === undefined ? undefined : `mariadbd exited (code ${String(exit.code)})`;
      },
    }).catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const log = (await readLogTail(logFile)) + (await readLogTail(join(directory, 'stdout.log'), 2000));
      throw new Error(`${message}\n--- mariadbd log ---\n${log}`, { cause: error });
    });
    return handle(started, directory, port, socketPath, logFile);
  } catch (error) {
    if (server !== undefined) await killServerProcess(server);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

function handle(
  proc: ServerProcess,
  directory: string,
  port: number,
  socketPath: string,
  logFile: string,
): MariaDbServer {
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
    connectionString: `mysql://${USER}@127.0.0.1:${port}/${DATABASE}`,
    host: '127.0.0.1',
    port,
    user: USER,
    password: '',
    database: DATABASE,
    socketPath,
    pid: proc.pid,
    logFile,
    stop: () => finish(() => stopServerProcess(proc, 'SIGTERM', STOP_DEADLINE_MS)),
    kill: () => finish(() => killServerProcess(proc)),
  };
}
