import type { JdbcConnector } from './jdbc-client.js';

/**
 * Opens a session with the client library the URL's dialect needs, loaded on first use so that
 * jobs without a JDBC sink never load `pg` or `mysql2`.
 */
export const connectJdbc: JdbcConnector = async (parameters) => {
  switch (parameters.dialect) {
    case 'postgresql':
      return (await import('./postgres-client.js')).PostgresClient.connect(parameters);
    case 'mysql':
      return (await import('./mysql-client.js')).MySqlClient.connect(parameters);
  }
};
