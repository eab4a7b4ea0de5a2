/**
 * Process plumbing shared by the real-server test fixtures (Kafka, PostgreSQL, MariaDB): free
 * ports, locating binaries, spawning a server in its own process group with its output in a log
 * file, dropping root privileges, waiting on a condition with a deadline, and stopping with a
 * signal that escalates to SIGKILL. Every group still alive when the test process exits is killed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';

/** The unprivileged account a server runs as when the tests run as root. */
export interface RunAsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A server process running in its own process group. */
export interface ServerProcess {
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once it has happened. */
  exit(): ProcessExit | undefined;
  /** Sends `signal` to the server process alone (its own shutdown handling then stops children). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILLs the whole process group (the server and any children it forked). */
  killGroup(): void;
}

export interface SpawnServerOptions {
  readonly cwd: string;
  /** stdout and stderr are appended to this file. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this user (via `setpriv`); only when the tests run as root. */
  readonly runAs?: RunAsUser | undefined;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a test process that ends without stopping its servers.
  process.on('exit', () => {
    for (const pid of liveGroups) killGroupQuietly(pid);
  });
}

function killGroupQuietly(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Wraps a command so it runs as `runAs` (no fork: `setpriv` execs, so the pid is the server's). */
function commandLine(
  command: string,
  args: readonly string[],
  runAs: RunAsUser | undefined,
): [string, string[]] {
  if (runAs === undefined) return [command, [...args]];
  return [
    'setpriv',
    [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--', command, ...args],
  ];
}

export function spawnServer(
  command: string,
  args: readonly string[],
  options: SpawnServerOptions,
): ServerProcess {
  installExitHook();
  const [file, argv] = commandLine(command, args, options.runAs);
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      if (pid !== undefined) liveGroups.delete(pid);
      resolve(exit);
    });
    child.once('error', () => {
      exit ??= { code: null, signal: null };
      resolve(exit);
    });
  });
  if (pid === undefined) {
    throw new Error(`could not start ${command}: spawn failed (is it installed and executable?)`);
  }
  liveGroups.add(pid);
  return {
    pid,
    exited,
    exit: () => exit,
    signal(signal: NodeJS.Signals): void {
      if (exit !== undefined) return;
      try {
        process.kill(pid, signal);
      } catch {
        // Exited between the check and the kill.
      }
    },
    killGroup(): void {
      killGroupQuietly(pid);
    },
  };
}

/**
 * Sends `signal` and waits up to `deadlineMs` for the process to exit, then SIGKILLs its group and
 * waits for that too. Returns how it ended.
 */
export async function stopServerProcess(
  proc: ServerProcess,
  signal: NodeJS.Signals,
  deadlineMs: number,
): Promise<ProcessExit> {
  const done = proc.exit();
  if (done !== undefined) {
    proc.killGroup(); // children of a crashed server
    return done;
  }
  proc.signal(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), deadlineMs);
  });
  const first = await Promise.race([proc.exited, timedOut]);
  clearTimeout(timer);
  proc.killGroup(); // no-op after a clean exit; reaps leftover children otherwise
  return first === 'timeout' ? await proc.exited : first;
}

/** SIGKILLs the process group and waits for the server process to be gone. */
export async function killServerProcess(proc: ServerProcess): Promise<ProcessExit> {
  proc.killGroup();
  return await proc.exited;
}

/** Runs a setup command to completion; on failure the error carries its output. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: SpawnServerOptions & { readonly timeoutMs: number },
): Promise<void> {
  const proc = spawnServer(command, args, options);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const result = await Promise.race([proc.exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await killServerProcess(proc);
    throw new Error(
      `${command} did not finish within ${options.timeoutMs} ms; output:\n${await readLogTail(options.logFile)}`,
    );
  }
  if (result.code !== 0) {
    const how = result.signal !== null ? `signal ${result.signal}` : `exit code ${String(result.code)}`;
    throw new Error(
      `${command} ${args.join(' ')} failed (${how}); output:\n${await readLogTail(options.logFile)}`,
    );
  }
}

/** The last `bytes` of a log file ('' when it does not exist). */
export async function readLogTail(file: string, bytes = 6000): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return (size > length ? '…' : '') + buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

export interface WaitForOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked before each attempt: a reason to give up at once (e.g. the server process exited). */
  readonly abortIf?: () => string | undefined;
}

/**
 * Polls `attempt` until it returns a value other than `undefined`, or fails after the deadline with
 * the last attempt's error.
 */
export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  options: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortIf?.();
    if (abort !== undefined) throw new Error(`${what}: ${abort}`, { cause: lastError });
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what}: not done within ${options.timeoutMs} ms${last}`, { cause: lastError });
    }
    await new Promise<void>((resolve) => setTimeout(resolve, interval));
  }
}

async function listen(server: Server, port: number): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** `count` distinct ports on 127.0.0.1 that were free a moment ago. */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    const ports: number[] = [];
    for (const server of servers) ports.push(await listen(server, 0));
    return ports;
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Whether something can listen on 127.0.0.1:`port` right now. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    await listen(server, port);
  } catch {
    return false;
  }
  await close(server);
  return true;
}

/** Whether a process with this pid exists (zombies count as gone once reaped by us). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The first of `names` found on PATH or in `extraDirs` (in that order), as an absolute path. */
export function findExecutable(
  names: readonly string[],
  extraDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Sub-directories of `parent` ('' entries skipped), sorted with the highest version first. */
export function versionedSubdirectories(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((name) => name !== '')
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * When running as root: the first of `candidates` that exists in /etc/passwd, for servers that
 * refuse to run as root. `undefined` when not root (run as ourselves).
 */
export function unprivilegedUser(candidates: readonly string[]): RunAsUser | undefined {
  if (!isRoot()) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of candidates) {
    const line = passwd.find((entry) => entry.startsWith(`${name}:`));
    const fields = line?.split(':');
    const uid = Number(fields?.[2]);
    const gid = Number(fields?.[3]);
    if (fields !== undefined && Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0) {
      return { name, uid, gid };
    }
  }
  return undefined;
}

/** Why servers cannot be run as an unprivileged user here, or `undefined` when they can. */
export function privilegeDropProblem(candidates: readonly string[]): string | undefined {
  if (!isRoot()) return undefined;
  if (unprivilegedUser(candidates) === undefined) {
    return `running as root and none of the users ${candidates.join(', ')} exists to run the server as`;
  }
  if (spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return 'running as root and setpriv (util-linux) is missing to drop privileges';
  }
  return undefined;
}
