import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';

/** The database family a URL names; it picks the client library (`pg` or `mysql2`). */
export const JdbcDialect = {
  /** PostgreSQL through `pg`. */
  postgresql: 'postgresql',
  /** MySQL and MariaDB through `mysql2`. */
  mysql: 'mysql',
} as const;
export type JdbcDialect = (typeof JdbcDialect)[keyof typeof JdbcDialect];

const SCHEMES: Readonly<Record<string, JdbcDialect>> = {
  postgresql: JdbcDialect.postgresql,
  postgres: JdbcDialect.postgresql,
  mysql: JdbcDialect.mysql,
  mariadb: JdbcDialect.mysql,
};
const DEFAULT_PORTS: Readonly<Record<JdbcDialect, number>> = { postgresql: 5432, mysql: 3306 };

/** Where and as whom a JDBC sink connects, parsed from the URL and the builder's overrides. */
export interface JdbcConnectionParameters {
  readonly dialect: JdbcDialect;
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Deadline for establishing a connection. */
  readonly connectTimeoutMs: number;
}

/**
 * How a JDBC sink reaches its database (Flink's JdbcConnectionOptions): a URL
 * `postgresql://[user[:password]@]host[:port]/database` or `mysql://…` (`postgres://`,
 * `mariadb://` and a leading `jdbc:` are accepted, as are JDBC's `?user=…&password=…`), and
 * optionally a user name and password that take precedence over the URL's.
 */
export class JdbcConnectionOptions {
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly connectionCheckTimeoutSeconds: number;
  /** Parsed at construction, so a bad URL fails when the job is built. */
  readonly parameters: JdbcConnectionParameters;

  constructor(
    url: string,
    username: string | undefined,
    password: string | undefined,
    connectionCheckTimeoutSeconds: number,
  ) {
    if (!Number.isSafeInteger(connectionCheckTimeoutSeconds) || connectionCheckTimeoutSeconds < 1) {
      throw new IllegalConfigurationError(
        `JdbcConnectionOptions connectionCheckTimeoutSeconds must be an integer >= 1, got ${connectionCheckTimeoutSeconds}`,
      );
    }
    this.url = url;
    this.username = username;
    this.password = password;
    this.connectionCheckTimeoutSeconds = connectionCheckTimeoutSeconds;
    this.parameters = parseJdbcUrl(url, username, password, connectionCheckTimeoutSeconds * 1000);
  }

  static builder(): JdbcConnectionOptionsBuilder {
    return new JdbcConnectionOptionsBuilder();
  }

  /** The URL without its password, for messages. */
  describe(): string {
    const p = this.parameters;
    const user = p.user === undefined ? '' : `${p.user}@`;
    return `${p.dialect}://${user}${p.host}:${p.port}/${p.database ?? ''}`;
  }
}

/** Flink's JdbcConnectionOptions.JdbcConnectionOptionsBuilder. */
export class JdbcConnectionOptionsBuilder {
  private url: string | undefined;
  private username: string | undefined;
  private password: string | undefined;
  private connectionCheckTimeoutSeconds = 60;

  withUrl(url: string): this {
    this.url = url;
    return this;
  }

  withUsername(username: string): this {
    this.username = username;
    return this;
  }

  withPassword(password: string): this {
    this.password = password;
    return this;
  }

  /** Deadline for establishing a connection (default 60 s). */
  withConnectionCheckTimeoutSeconds(seconds: number): this {
    this.connectionCheckTimeoutSeconds = seconds;
    return this;
  }

  build(): JdbcConnectionOptions {
    if (this.url === undefined || this.url === '') {
      throw new IllegalConfigurationError('JdbcConnectionOptions need a URL: call withUrl(…)');
    }
    return new JdbcConnectionOptions(
      this.url,
      this.username,
      this.password,
      this.connectionCheckTimeoutSeconds,
    );
  }
}

/** Parses a sink URL; explicit `username`/`password` win over the URL's. */
export function parseJdbcUrl(
  url: string,
  username: string | undefined,
  password: string | undefined,
  connectTimeoutMs: number,
): JdbcConnectionParameters {
  const bare = url.startsWith('jdbc:') ? url.slice('jdbc:'.length) : url;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(bare)?.[1]?.toLowerCase();
  const dialect = scheme === undefined ? undefined : SCHEMES[scheme];
  if (dialect === undefined) {
    throw new IllegalConfigurationError(
      `JDBC URL '${redact(url)}' is not supported: use postgresql://host[:port]/database or ` +
        'mysql://host[:port]/database (mariadb:// and a jdbc: prefix are accepted too)',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(bare);
  } catch (error) {
    throw new IllegalConfigurationError(`JDBC URL '${redact(url)}' is malformed: ${String(error)}`, {
      cause: error,
    });
  }
  if (parsed.hostname === '') {
    throw new IllegalConfigurationError(`JDBC URL '${redact(url)}' names no host`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const query = parsed.searchParams;
  return {
    dialect,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? DEFAULT_PORTS[dialect] : Number(parsed.port),
    database: database === '' ? undefined : database,
    user: username ?? nonEmpty(decodeURIComponent(parsed.username)) ?? nonEmpty(query.get('user')),
    password: password ?? nonEmpty(decodeURIComponent(parsed.password)) ?? nonEmpty(query.get('password')),
    connectTimeoutMs,
  };
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

/** The URL with its password (in the authority or the query) replaced by `***`. */
function redact(url: string): string {
  return url.replace(/(\/\/[^/:@]*:)[^/@]*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
}
