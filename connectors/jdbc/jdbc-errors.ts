/**
 * The JDBC sinks' failures and how database errors are classified. Transient errors (the
 * connection is lost or refused, deadlocks, too many connections, a server shutting down) are
 * retried; everything else (constraint violations, a missing table, syntax errors, bad
 * credentials) fails the task at once with the SQL state, the constraint and the row in the
 * message. Pure: classification looks only at the error's fields.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';

export const JdbcErrorCode = {
  /** A statement failed for a reason retrying cannot fix (constraint, missing table, syntax). */
  statementFailed: 'JDBC_STATEMENT_FAILED',
  /** The database stayed unreachable through every retry. */
  connectionFailed: 'JDBC_CONNECTION_FAILED',
  /** An exactly-once transaction was lost (connection dropped before it was prepared). */
  transactionFailed: 'JDBC_TRANSACTION_FAILED',
  /** A prepared transaction could not be committed or rolled back. */
  commitFailed: 'JDBC_COMMIT_FAILED',
  /** PostgreSQL runs with `max_prepared_transactions = 0`. */
  preparedTransactionsDisabled: 'JDBC_PREPARED_TRANSACTIONS_DISABLED',
  /** The statement builder returned parameters that do not fit the statement. */
  invalidRow: 'JDBC_INVALID_ROW',
  /** The writer was used after `close()`. */
  writerClosed: 'JDBC_WRITER_CLOSED',
} as const;
export type JdbcErrorCode = (typeof JdbcErrorCode)[keyof typeof JdbcErrorCode];

/** What a database or socket error looks like, from `pg`, `mysql2` or Node. */
interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly sqlState?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
  readonly constraint?: unknown;
  readonly table?: unknown;
  readonly fatal?: unknown;
}

const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
const TRANSIENT_MYSQL_CODES = new Set([
  'ER_CON_COUNT_ERROR',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);
/** MySQL states that are about the login, not the connection: retrying does not help. */
const PERMANENT_MYSQL_CODES = new Set([
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
]);
const TRANSIENT_PG_STATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03']);
const TRANSIENT_PG_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout expired|Connection closed/i;

/** The SQLSTATE of a database error (`pg`: `code`; `mysql2`: `sqlState`), if it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = asDriverError(error);
  if (typeof e.sqlState === 'string' && e.sqlState !== '') return e.sqlState;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return undefined;
}

/** Whether trying again on a new connection can help. */
export function isTransientJdbcError(error: unknown): boolean {
  if (error instanceof FreshetError) return error.retryable;
  const e = asDriverError(error);
  const code = typeof e.code === 'string' ? e.code : '';
  if (TRANSIENT_SOCKET_CODES.has(code) || TRANSIENT_MYSQL_CODES.has(code)) return true;
  if (PERMANENT_MYSQL_CODES.has(code)) return false;
  const state = sqlStateOf(error);
  if (state !== undefined) {
    return state.startsWith('08') || state.startsWith('53') || TRANSIENT_PG_STATES.has(state);
  }
  if (e.fatal === true) return true;
  return typeof e.message === 'string' && TRANSIENT_PG_MESSAGES.test(e.message);
}

/** `SQL state 23505, constraint 'orders_pkey', table 'orders': <message> (<detail>)`. */
export function describeDatabaseError(error: unknown): string {
  const e = asDriverError(error);
  const state = sqlStateOf(error);
  const message = typeof e.message === 'string' ? e.message : String(error);
  const constraint = constraintOf(e, message);
  const parts = [
    state === undefined ? undefined : `SQL state ${state}`,
    constraint === undefined ? undefined : `constraint '${constraint}'`,
    typeof e.table === 'string' ? `table '${e.table}'` : undefined,
  ].filter((part) => part !== undefined);
  const detail = typeof e.detail === 'string' && e.detail !== '' ? ` (${e.detail})` : '';
  return `${parts.length > 0 ? `${parts.join(', ')}: ` : ''}${message}${detail}`;
}

/** `pg` names the constraint; MySQL/MariaDB only in the message. */
function constraintOf(e: DriverError, message: string): string | undefined {
  if (typeof e.constraint === 'string' && e.constraint !== '') return e.constraint;
  return (/for key '([^']+)'/.exec(message) ?? /CONSTRAINT `([^`]+)`/.exec(message))?.[1];
}

/** What to do about a statement error, by its SQL state class. */
function adviceFor(state: string | undefined): string {
  if (state === '42P01' || state === '42S02') return 'create the table before starting the job';
  if (state?.startsWith('23') === true) {
    return (
      'the row is not skipped: fix the data, or make the statement an upsert ' +
      '(INSERT … ON CONFLICT … DO UPDATE on PostgreSQL, INSERT … ON DUPLICATE KEY UPDATE on ' +
      'MySQL/MariaDB) so that replayed rows overwrite'
    );
  }
  if (state?.startsWith('22') === true) return "the row's values do not fit the table's columns";
  if (state?.startsWith('42') === true) return 'fix the statement or the table';
  return 'the task fails and restarts from its last checkpoint';
}

/** A statement failed for good: names the SQL state, the constraint, the row and what to do. */
export function jdbcStatementError(error: unknown, sql: string, row: string | undefined): FreshetError {
  const state = sqlStateOf(error);
  const where = row === undefined ? '' : ` for ${row}`;
  const domain = state !== undefined && /^(2[23]|42)/.test(state) ? ErrorDomain.user : ErrorDomain.external;
  return new FreshetError(
    JdbcErrorCode.statementFailed,
    `JDBC sink statement failed${where}: ${describeDatabaseError(error)}; ${adviceFor(state)}. Statement: ${sql}`,
    { domain, retryable: false, cause: error },
  );
}

/** The database stayed unreachable (or kept failing transiently) through every attempt. */
export function jdbcConnectionError(target: string, attempts: number, error: unknown): FreshetError {
  return new FreshetError(
    JdbcErrorCode.connectionFailed,
    `JDBC sink could not reach ${target} after ${attempts} attempt(s): ${describeDatabaseError(error)}; ` +
      'check that the database is up and reachable (the task fails and restarts from its last checkpoint)',
    { domain: ErrorDomain.external, retryable: true, cause: error },
  );
}

/** A row's parameters, JSON-encoded and cut to a readable length. */
export function describeRow(element: unknown, params: readonly unknown[]): string {
  return `row ${truncate(safeJson(element), 300)} (parameters ${truncate(safeJson(params), 300)})`;
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'undefined'
    );
  } catch {
    return String(value);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function asDriverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? error : {};
}
