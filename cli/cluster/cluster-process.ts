/**
 * One child process of a local session cluster (`freshet jobmanager` or `freshet taskmanager`):
 * its JSON log lines go to a log file and are kept in memory so callers can wait for a line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';

/** The compiled CLI entry (from the TypeScript sources in tests, the build output of it). */
export function cliEntryPath(): string {
  return fileURLToPath(compiledModuleUrl('../main.js', import.meta.url));
}

export interface LogLine {
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export class ClusterProcess {
  readonly lines: LogLine[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly log: WriteStream;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    const onLine = (line: string): void => {
      this.log.write(`${line}\n`);
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: line });
      }
      for (const waiter of this.waiters) waiter();
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.log.end();
        for (const waiter of this.waiters) waiter();
        resolve(code);
      }),
    );
  }

  static spawn(
    name: string,
    args: readonly string[],
    logFile: string,
    env?: NodeJS.ProcessEnv,
  ): ClusterProcess {
    const child = spawn(process.execPath, [cliEntryPath(), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    return new ClusterProcess(name, child, logFile);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a log line matching `match`; fails when the process exits first or at the deadline. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.find(match);
        if (found !== undefined) return done(() => resolve(found));
        if (!this.running) {
          const tail = this.lines
            .slice(-5)
            .map((l) => l.msg ?? JSON.stringify(l))
            .join(' | ');
          done(() =>
            reject(new FreshetError('CLUSTER_PROCESS_EXITED', `${this.name} exited before ${what}: ${tail}`)),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new FreshetError('CLUSTER_PROCESS_TIMEOUT', `${this.name}: no ${what} within ${timeoutMs} ms`),
            ),
          ),
        timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }
}
