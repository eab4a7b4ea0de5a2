/**
 * One database session of a JDBC sink, the same for PostgreSQL (`pg`) and MySQL/MariaDB
 * (`mysql2`): statements with `?` placeholders, local transactions, and the two-phase commit
 * primitives the exactly-once sink needs (connect-jdbc.ts opens one).
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import type { JdbcConnectionParameters } from './jdbc-connection-options.js';

/**
 * What committing or rolling back a prepared transaction found: `done`; `unknown` (no prepared
 * transaction has that id — it was committed or rolled back already); `attached` (MySQL/MariaDB:
 * it exists but is still bound to the session that prepared it, which is disconnecting).
 */
export type PreparedTransactionOutcome = 'done' | 'unknown' | 'attached';

export interface JdbcClient {
  /**
   * Whether a prepared transaction stays bound to its session until the session ends
   * (MySQL/MariaDB XA): the session can start no other transaction, and no other session can
   * commit it, until it disconnects. PostgreSQL's prepared transactions are detached at once.
   */
  readonly preparedTransactionBindsSession: boolean;
  /** The error that broke the connection while it was idle, if any: the client is unusable. */
  readonly broken: Error | undefined;
  /** Runs one statement; `sql` is in the dialect's placeholder style. */
  execute(sql: string, params: readonly unknown[]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * Marks a point inside a transaction that `rollbackToSavepoint` returns to after a failed
   * statement (PostgreSQL aborts the whole transaction on an error otherwise). No-ops on
   * MySQL/MariaDB, where a failed statement is rolled back by itself.
   */
  savepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;
  /** Starts the transaction `gid` will name: `BEGIN` / `XA START 'gid'`. */
  startTransaction(gid: string): Promise<void>;
  /** `PREPARE TRANSACTION 'gid'` / `XA END 'gid'` + `XA PREPARE 'gid'`. */
  prepareTransaction(gid: string): Promise<void>;
  /** Commits the active transaction without preparing: `COMMIT` / `XA COMMIT 'gid' ONE PHASE`. */
  commitOnePhase(gid: string): Promise<void>;
  /** Rolls back the active (not prepared) transaction. */
  rollbackTransaction(gid: string): Promise<void>;
  /** `COMMIT PREPARED 'gid'` / `XA COMMIT 'gid'`. */
  commitPrepared(gid: string): Promise<PreparedTransactionOutcome>;
  /** `ROLLBACK PREPARED 'gid'` / `XA ROLLBACK 'gid'`. */
  rollbackPrepared(gid: string): Promise<PreparedTransactionOutcome>;
  /** Ids of the prepared transactions starting with `prefix` (`pg_prepared_xacts` / `XA RECOVER`). */
  listPrepared(prefix: string): Promise<string[]>;
  /**
   * Fences sessions of earlier attempts (zombies whose task ended without closing its writer):
   * makes this session the only one holding `name`. A session still holding it after `graceMs` is
   * ended — its open transaction rolls back, its locks go — and waited for. PostgreSQL: the
   * session's `application_name`; MySQL/MariaDB: a named lock (`GET_LOCK`).
   */
  claimSession(name: string, graceMs: number): Promise<void>;
  /** Ends every other session holding `name` and waits until they are gone. */
  evictSessions(name: string): Promise<void>;
  /** Fails with a clear error when the server cannot prepare transactions. */
  checkTwoPhaseCommit(): Promise<void>;
  /** Ends the session politely. */
  close(): Promise<void>;
  /** Drops the connection at once (after a failure, or when closing mid-operation). */
  destroy(): void;
}

/** Opens a session; errors are the driver's (see isTransientJdbcError). */
export type JdbcConnector = (parameters: JdbcConnectionParameters) => Promise<JdbcClient>;

const TRANSACTION_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** A transaction id as a SQL string literal; ids are generated, but checked before they meet SQL. */
export function transactionIdLiteral(gid: string): string {
  if (!TRANSACTION_ID.test(gid)) {
    throw new FreshetError('JDBC_INVALID_TRANSACTION_ID', `'${gid}' is not a valid transaction id`);
  }
  return `'${gid}'`;
}

/** How long evicting a session may take before it counts as a (retryable) failure. */
export const EVICTION_TIMEOUT_MS = 10_000;

/** An evicted session did not go away in time. */
export function sessionNotEvictedError(name: string, holder: string): FreshetError {
  return new FreshetError(
    'JDBC_SESSION_NOT_EVICTED',
    `a database session of an earlier attempt (${holder}) still holds '${name}' ` +
      `${EVICTION_TIMEOUT_MS} ms after it was told to end; the task restarts and tries again`,
    { domain: ErrorDomain.external, retryable: true },
  );
}
