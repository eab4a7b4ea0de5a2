/**
 * Runs the built `freshet` CLI (dist/cli/main.js) as a child process for end-to-end tests: every
 * run has a deadline (the process is killed and the run fails when it passes), and every process
 * started here is tracked so a test can stop whatever it left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/cli.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Absolute path of the built CLI entry point; `npm run build` writes it. */
export const CLI_MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');
/** Absolute path of the job fixtures. */
export const JOBS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'jobs');
/** Absolute path of fixtures that are broken on purpose (ignored by lint and format). */
export const BAD_JOBS_DIR = join(REPO_ROOT, 'test', 'fixtures', 'bad');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** Configuration sources in the environment that would make a test depend on the machine it runs on. */
const HOST_CONFIG_VARIABLES = ['FRESHET_CONF_DIR', 'FRESHET_PROPERTIES', 'FLINK_PROPERTIES', 'FRESHET_DEBUG'];

export interface CliOptions {
  /** Working directory of the CLI; defaults to the repository root. */
  readonly cwd?: string;
  /** Extra environment variables (added to a copy of this process's environment, minus Freshet config variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** The run fails (and the process is killed) when it has not exited by then. */
  readonly timeoutMs: number;
}

export interface CliResult {
  /** Exit code, or null when the process ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A CLI process that is still running: its output so far and a promise of its end. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits; rejects (after killing it) when the deadline passes first. */
  readonly exited: Promise<CliResult>;
  /** Sends a signal to this process (only this process, by its pid). */
  signal(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

/** Starts `node dist/cli/main.js ...args`; the caller waits on `exited`. */
export function startCli(args: readonly string[], options: CliOptions): CliProcess {
  if (!existsSync(CLI_MAIN)) {
    throw new Error(`${CLI_MAIN} does not exist; run \`npm run build\` before the CLI tests`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of HOST_CONFIG_VARIABLES) delete env[name];
  Object.assign(env, options.env ?? {});
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const exited = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `freshet ${args.join(' ')} did not exit within ${options.timeoutMs} ms (killed)\n` +
            `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
        ),
      );
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    // 'close' (not 'exit') so that all of stdout/stderr has been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  // Observed by the caller through `exited`; this only keeps an unobserved timeout from crashing vitest.
  exited.catch(() => undefined);

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    signal: (signal) => {
      child.kill(signal);
    },
  };
}

/** Runs the CLI to its end and returns its exit code and output. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).exited;
}

/**
 * Waits for a started CLI to exit, failing when it has not exited `deadlineMs` from now (the
 * process is then left to `killRunningClis`).
 */
export async function exitWithin(cli: CliProcess, deadlineMs: number): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the CLI did not exit within ${deadlineMs} ms\n--- stdout ---\n${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`,
          ),
        ),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([cli.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The text up to and including its last newline (drops a line still being written). */
export function completeLines(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

/** Kills (SIGKILL, by pid) every CLI process started by this module that is still running. */
export function killRunningClis(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  running.clear();
}

/**
 * Polls `condition` until it returns true, failing once `deadlineMs` have passed. The way tests
 * wait for something to happen (never a fixed sleep). `description` may be a function so that the
 * failure message shows the state at the deadline.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  deadlineMs: number,
  description: string | (() => string) = 'condition',
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      const what = typeof description === 'string' ? description : description();
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The non-blank lines of a text. */
export function nonBlankLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/**
 * Parses print-sink output: `N> json` lines when the sink's parallelism is above 1, bare `json`
 * lines otherwise. Returns the records with the subtask number (undefined for bare lines).
 */
export function parsePrintLines<T = unknown>(stdout: string): { subtask: number | undefined; record: T }[] {
  return nonBlankLines(stdout).map((line) => {
    const match = /^(\d+)> (.*)$/.exec(line);
    if (match !== null) return { subtask: Number(match[1]), record: JSON.parse(match[2]!) as T };
    return { subtask: undefined, record: JSON.parse(line) as T };
  });
}

/** A fresh directory under the OS temp directory; `remove()` deletes it. */
export function makeTempDir(prefix = 'freshet-cli-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
