import { describe, expect, it } from 'vitest';
import { FreshetError } from '../../common/errors/freshet-error.js';
import {
  describeDatabaseError,
  describeRow,
  isTransientJdbcError,
  jdbcStatementError,
  sqlStateOf,
} from './jdbc-errors.js';

const withFields = (message: string, fields: Record<string, unknown>): Error =>
  Object.assign(new Error(message), fields);

describe('JDBC error classification', () => {
  it('retries lost connections, refused connections, deadlocks and shutdowns', () => {
    for (const error of [
      withFields('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }),
      withFields('Connection lost: The server closed the connection.', {
        code: 'PROTOCOL_CONNECTION_LOST',
        fatal: true,
      }),
      new Error('Connection terminated unexpectedly'),
      withFields('terminating connection due to administrator command', { code: '57P01' }),
      withFields('deadlock detected', { code: '40P01' }),
      withFields('Deadlock found', { code: 'ER_LOCK_DEADLOCK', errno: 1213, sqlState: '40001' }),
      withFields('too many connections', { code: '53300' }),
    ]) {
      expect(isTransientJdbcError(error), error.message).toBe(true);
    }
  });

  it('does not retry constraint violations, missing tables, syntax errors or bad logins', () => {
    for (const error of [
      withFields('duplicate key', { code: '23505', constraint: 't_pkey' }),
      withFields("Duplicate entry '1' for key 'PRIMARY'", {
        code: 'ER_DUP_ENTRY',
        errno: 1062,
        sqlState: '23000',
      }),
      withFields('relation "t" does not exist', { code: '42P01' }),
      withFields("Table 'x.t' doesn't exist", { code: 'ER_NO_SUCH_TABLE', sqlState: '42S02' }),
      withFields('syntax error', { code: '42601' }),
      withFields('Access denied', { code: 'ER_ACCESS_DENIED_ERROR', fatal: true, sqlState: '28000' }),
      new FreshetError('JDBC_STATEMENT_FAILED', 'x'),
    ]) {
      expect(isTransientJdbcError(error), error.message).toBe(false);
    }
  });

  it('names the SQL state, constraint, row and advice of a constraint violation', () => {
    const pgError = withFields('duplicate key value violates unique constraint "t_pkey"', {
      code: '23505',
      constraint: 't_pkey',
      table: 't',
      detail: 'Key (id)=(7) already exists.',
    });
    const error = jdbcStatementError(pgError, 'INSERT INTO t VALUES (?)', describeRow({ id: 7 }, [7]));
    expect(error.code).toBe('JDBC_STATEMENT_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.domain).toBe('user');
    expect(error.message).toContain("SQL state 23505, constraint 't_pkey', table 't'");
    expect(error.message).toContain('Key (id)=(7) already exists.');
    expect(error.message).toContain('row {"id":7} (parameters [7])');
    expect(error.message).toContain('ON CONFLICT');
  });

  it("reads MySQL's constraint out of its message", () => {
    const error = withFields("Duplicate entry '7' for key 'PRIMARY'", {
      code: 'ER_DUP_ENTRY',
      sqlState: '23000',
    });
    expect(sqlStateOf(error)).toBe('23000');
    expect(describeDatabaseError(error)).toBe(
      "SQL state 23000, constraint 'PRIMARY': Duplicate entry '7' for key 'PRIMARY'",
    );
  });

  it('cuts long rows short', () => {
    expect(describeRow('x'.repeat(1000), []).length).toBeLessThan(400);
    expect(describeRow({ n: 1n }, [1n])).toBe('row {"n":"1"} (parameters ["1"])');
  });
});
