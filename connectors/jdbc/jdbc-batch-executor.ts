import type { JdbcClient } from './jdbc-client.js';
import { describeRow, isTransientJdbcError, jdbcStatementError } from './jdbc-errors.js';
import type { JdbcStatement } from './jdbc-statement.js';

/** A row waiting to be written: the element (for error messages) and its statement parameters. */
export interface BufferedRow<T> {
  readonly element: T;
  readonly params: readonly unknown[];
}

/** Parameters per multi-row statement: well below PostgreSQL's limit of 65535. */
const MAX_PARAMETERS_PER_STATEMENT = 32_767;

/**
 * Writes a batch of rows through one session. Rows go as multi-row statements where the SQL
 * allows (see JdbcStatement), else one statement per row. Outside a transaction (at-least-once)
 * each batch is atomic: one statement, or a local transaction around several. Inside one
 * (exactly-once) the rows join it, and each multi-row statement is guarded by a savepoint.
 *
 * When a multi-row statement fails for a non-transient reason, its rows are written again one by
 * one: that names the failing row in the error, and gets past failures only multi-row statements
 * have (an upsert that touches the same key twice in one statement). Transient errors are thrown
 * as they are, for the caller to retry or fail; other errors as JDBC_STATEMENT_FAILED naming the
 * SQL state, constraint and row. After any error the caller must discard the session.
 */
export class JdbcBatchExecutor<T> {
  private readonly statement: JdbcStatement;
  private readonly rowsPerStatement: number;

  constructor(statement: JdbcStatement) {
    this.statement = statement;
    this.rowsPerStatement =
      statement.multiRowParts === undefined
        ? 1
        : Math.max(1, Math.floor(MAX_PARAMETERS_PER_STATEMENT / statement.placeholderCount));
  }

  async execute(client: JdbcClient, rows: readonly BufferedRow<T>[], inTransaction: boolean): Promise<void> {
    if (rows.length === 0) return;
    const chunks: BufferedRow<T>[][] = [];
    for (let i = 0; i < rows.length; i += this.rowsPerStatement) {
      chunks.push(rows.slice(i, i + this.rowsPerStatement));
    }
    const local = !inTransaction && chunks.length > 1;
    if (local) await client.begin();
    for (const chunk of chunks) await this.executeStatement(client, chunk, inTransaction || local);
    if (local) await client.commit();
  }

  private async executeStatement(
    client: JdbcClient,
    rows: readonly BufferedRow<T>[],
    inTransaction: boolean,
  ): Promise<void> {
    if (rows.length === 1) {
      await this.executeRow(client, rows[0]!);
      return;
    }
    if (inTransaction) await client.savepoint();
    try {
      await client.execute(
        this.statement.multiRowSql(rows.length),
        rows.flatMap((row) => row.params),
      );
    } catch (error) {
      if (isTransientJdbcError(error)) throw error;
      if (inTransaction) await client.rollbackToSavepoint();
      await this.executeRowByRow(client, rows, inTransaction);
    }
    if (inTransaction) await client.releaseSavepoint();
  }

  private async executeRowByRow(
    client: JdbcClient,
    rows: readonly BufferedRow<T>[],
    inTransaction: boolean,
  ): Promise<void> {
    if (!inTransaction) await client.begin();
    for (const row of rows) await this.executeRow(client, row);
    if (!inTransaction) await client.commit();
  }

  private async executeRow(client: JdbcClient, row: BufferedRow<T>): Promise<void> {
    const sql = this.statement.singleRowSql();
    try {
      await client.execute(sql, row.params);
    } catch (error) {
      if (isTransientJdbcError(error)) throw error;
      throw jdbcStatementError(error, this.statement.sql, describeRow(row.element, row.params));
    }
  }
}
