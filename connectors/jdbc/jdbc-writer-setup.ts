import type { JdbcConnector } from './jdbc-client.js';
import type { JdbcConnectionOptions } from './jdbc-connection-options.js';
import type { JdbcExecutionOptions } from './jdbc-execution-options.js';
import type { Sleep } from './jdbc-retry.js';
import type { JdbcStatement } from './jdbc-statement.js';

/**
 * Turns an element into the statement's positional parameters, one per `?` (Flink's
 * JdbcStatementBuilder). Values go to the driver as they are: `pg` sends objects as JSON and arrays
 * as PostgreSQL arrays; for MySQL/MariaDB arrays and objects are sent as JSON text.
 */
export type JdbcStatementBuilder<T> = (element: T) => readonly unknown[];

/** Everything a JDBC writer is built from. */
export interface JdbcWriterSetup<T> {
  readonly statement: JdbcStatement;
  readonly statementBuilder: JdbcStatementBuilder<T>;
  readonly execution: JdbcExecutionOptions;
  readonly connection: JdbcConnectionOptions;
  readonly connector: JdbcConnector;
  readonly sleep: Sleep;
}
