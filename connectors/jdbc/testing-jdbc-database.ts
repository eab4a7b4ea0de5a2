/**
 * An in-memory stand-in for a database behind JdbcClient, for unit tests of the JDBC writers and
 * committer: it records every call, keeps committed rows, open and prepared transactions, and can
 * refuse connections or fail the next matching call with a given error.
 */
import type { JdbcClient, JdbcConnector, PreparedTransactionOutcome } from './jdbc-client.js';
import type { JdbcConnectionParameters } from './jdbc-connection-options.js';

export interface TestingFailure {
  /** Fails the first call whose log line matches. */
  readonly match: RegExp;
  readonly error: unknown;
  /** How many matching calls fail (default 1). */
  times?: number;
}

export class TestingJdbcDatabase {
  /** Parameters of every committed row, in commit order. */
  readonly rows: unknown[][] = [];
  /** Prepared transactions by id: their rows. */
  readonly prepared = new Map<string, unknown[][]>();
  /** Every call of every client: `connect`, `execute <sql> <params json>`, `begin`, `prepare <gid>`, … */
  readonly log: string[] = [];
  readonly failures: TestingFailure[] = [];
  /** Sessions opened so far. */
  connects = 0;
  /** Parameters per row: a multi-row `execute` adds one row per `rowWidth` parameters (0: one row). */
  rowWidth = 0;
  /** Whether prepared transactions stay bound to their session (MySQL). */
  bindsSession = false;
  /** Prepared ids `commitPrepared` reports as still bound to a session, that many times. */
  readonly attached = new Map<string, number>();
  readonly clients: TestingJdbcClient[] = [];

  readonly connector: JdbcConnector = (_parameters: JdbcConnectionParameters) => {
    this.connects++;
    this.record('connect');
    const client = new TestingJdbcClient(this);
    this.clients.push(client);
    return Promise.resolve(client);
  };

  /** Fails the next `times` calls matching `match` with `error`. */
  failOn(match: RegExp, error: unknown, times = 1): void {
    this.failures.push({ match, error, times });
  }

  record(line: string): void {
    this.log.push(line);
    const failure = this.failures.find((f) => f.match.test(line) && (f.times ?? 1) > 0);
    if (failure === undefined) return;
    failure.times = (failure.times ?? 1) - 1;
    throw failure.error;
  }

  /** Log lines matching `pattern`. */
  calls(pattern: RegExp): string[] {
    return this.log.filter((line) => pattern.test(line));
  }
}

/** A session of a TestingJdbcDatabase; rows of `execute` are its parameters split per row. */
export class TestingJdbcClient implements JdbcClient {
  broken: Error | undefined;
  closed = false;
  private transaction: unknown[][] | undefined;
  private savepointAt: number | undefined;

  constructor(private readonly database: TestingJdbcDatabase) {}

  get preparedTransactionBindsSession(): boolean {
    return this.database.bindsSession;
  }

  execute(sql: string, params: readonly unknown[]): Promise<void> {
    return this.call(`execute ${sql} ${JSON.stringify(params)}`, () => {
      const width = this.database.rowWidth > 0 ? this.database.rowWidth : params.length;
      const rows: unknown[][] = [];
      for (let i = 0; i < params.length; i += width) rows.push(params.slice(i, i + width));
      if (this.transaction === undefined) this.database.rows.push(...rows);
      else this.transaction.push(...rows);
    });
  }

  begin(): Promise<void> {
    return this.call('begin', () => {
      this.transaction = [];
    });
  }

  commit(): Promise<void> {
    return this.call('commit', () => this.endTransaction(true));
  }

  rollback(): Promise<void> {
    return this.call('rollback', () => this.endTransaction(false));
  }

  savepoint(): Promise<void> {
    return this.call('savepoint', () => {
      this.savepointAt = this.transaction?.length;
    });
  }

  rollbackToSavepoint(): Promise<void> {
    return this.call('rollback to savepoint', () => {
      this.transaction?.splice(this.savepointAt ?? 0);
    });
  }

  releaseSavepoint(): Promise<void> {
    return this.call('release savepoint', () => {
      this.savepointAt = undefined;
    });
  }

  startTransaction(gid: string): Promise<void> {
    return this.call(`start ${gid}`, () => {
      this.transaction = [];
    });
  }

  prepareTransaction(gid: string): Promise<void> {
    return this.call(`prepare ${gid}`, () => {
      this.database.prepared.set(gid, this.transaction ?? []);
      this.transaction = undefined;
    });
  }

  commitOnePhase(gid: string): Promise<void> {
    return this.call(`commit one phase ${gid}`, () => this.endTransaction(true));
  }

  rollbackTransaction(gid: string): Promise<void> {
    return this.call(`rollback ${gid}`, () => this.endTransaction(false));
  }

  commitPrepared(gid: string): Promise<PreparedTransactionOutcome> {
    return this.call(`commit prepared ${gid}`, () => this.finish(gid, true));
  }

  rollbackPrepared(gid: string): Promise<PreparedTransactionOutcome> {
    return this.call(`rollback prepared ${gid}`, () => this.finish(gid, false));
  }

  listPrepared(prefix: string): Promise<string[]> {
    return this.call(`list prepared ${prefix}`, () =>
      [...this.database.prepared.keys()].filter((gid) => gid.startsWith(prefix)),
    );
  }

  claimSession(name: string, graceMs: number): Promise<void> {
    return this.call(`claim ${name} ${graceMs}`, () => undefined);
  }

  evictSessions(name: string): Promise<void> {
    return this.call(`evict ${name}`, () => undefined);
  }

  checkTwoPhaseCommit(): Promise<void> {
    return this.call('check two-phase commit', () => undefined);
  }

  close(): Promise<void> {
    return this.call('close', () => {
      this.closed = true;
      this.transaction = undefined;
    });
  }

  destroy(): void {
    this.database.log.push('destroy');
    this.closed = true;
    this.transaction = undefined;
  }

  private finish(gid: string, commit: boolean): PreparedTransactionOutcome {
    const attached = this.database.attached.get(gid) ?? 0;
    if (attached > 0) {
      this.database.attached.set(gid, attached - 1);
      return 'attached';
    }
    const rows = this.database.prepared.get(gid);
    if (rows === undefined) return 'unknown';
    this.database.prepared.delete(gid);
    if (commit) this.database.rows.push(...rows);
    return 'done';
  }

  private endTransaction(commit: boolean): void {
    if (commit && this.transaction !== undefined) this.database.rows.push(...this.transaction);
    this.transaction = undefined;
  }

  private call<R>(line: string, effect: () => R): Promise<R> {
    try {
      if (this.closed) throw new Error(`client closed: ${line}`);
      this.database.record(line);
      return Promise.resolve(effect());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
