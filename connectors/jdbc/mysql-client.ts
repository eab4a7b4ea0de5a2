import { setTimeout as delay } from 'node:timers/promises';
import type mysql from 'mysql2/promise';
import { loadMysql2 } from '../../common/lazy-modules.js';
import {
  EVICTION_TIMEOUT_MS,
  sessionNotEvictedError,
  transactionIdLiteral,
  type JdbcClient,
  type PreparedTransactionOutcome,
} from './jdbc-client.js';
import type { JdbcConnectionParameters } from './jdbc-connection-options.js';

/** `ER_XAER_NOTA`: no XA transaction with that id (for this session to act on). */
const XAER_NOTA = 1397;
/** `ER_NO_SUCH_THREAD`: KILL of a session that is gone already. */
const NO_SUCH_THREAD = 1094;

interface XaRecoverRow {
  readonly formatID: number;
  readonly gtrid_length: number;
  readonly bqual_length: number;
  readonly data: Buffer | string;
}

/**
 * A JdbcClient on `mysql2` for MySQL and MariaDB: parameters are escaped by the client (`query`),
 * so a statement may have any number of them; arrays and plain objects are sent as JSON text.
 * Two-phase commit is XA; a prepared XA transaction stays bound to its session until that session
 * disconnects (then it survives on the server, MariaDB ≥ 10.5 and MySQL ≥ 5.7).
 */
export class MySqlClient implements JdbcClient {
  readonly preparedTransactionBindsSession = true;
  broken: Error | undefined;
  private readonly connection: mysql.Connection;

  private constructor(connection: mysql.Connection) {
    this.connection = connection;
    connection.on('error', (error: Error) => (this.broken ??= error));
  }

  static async connect(parameters: JdbcConnectionParameters): Promise<MySqlClient> {
    const connection = await loadMysql2().createConnection({
      host: parameters.host,
      port: parameters.port,
      ...(parameters.database === undefined ? {} : { database: parameters.database }),
      ...(parameters.user === undefined ? {} : { user: parameters.user }),
      ...(parameters.password === undefined ? {} : { password: parameters.password }),
      connectTimeout: parameters.connectTimeoutMs,
      supportBigNumbers: true,
      multipleStatements: false,
    });
    return new MySqlClient(connection);
  }

  async execute(sql: string, params: readonly unknown[]): Promise<void> {
    await this.connection.query(sql, params.map(toMySqlValue));
  }

  async begin(): Promise<void> {
    await this.connection.query('START TRANSACTION');
  }

  async commit(): Promise<void> {
    await this.connection.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.connection.query('ROLLBACK');
  }

  async savepoint(): Promise<void> {}

  async rollbackToSavepoint(): Promise<void> {}

  async releaseSavepoint(): Promise<void> {}

  async startTransaction(gid: string): Promise<void> {
    await this.connection.query(`XA START ${transactionIdLiteral(gid)}`);
  }

  async prepareTransaction(gid: string): Promise<void> {
    await this.connection.query(`XA END ${transactionIdLiteral(gid)}`);
    await this.connection.query(`XA PREPARE ${transactionIdLiteral(gid)}`);
  }

  async commitOnePhase(gid: string): Promise<void> {
    await this.connection.query(`XA END ${transactionIdLiteral(gid)}`);
    await this.connection.query(`XA COMMIT ${transactionIdLiteral(gid)} ONE PHASE`);
  }

  async rollbackTransaction(gid: string): Promise<void> {
    await this.connection.query(`XA END ${transactionIdLiteral(gid)}`);
    await this.connection.query(`XA ROLLBACK ${transactionIdLiteral(gid)}`);
  }

  commitPrepared(gid: string): Promise<PreparedTransactionOutcome> {
    return this.finishPrepared('COMMIT', gid);
  }

  rollbackPrepared(gid: string): Promise<PreparedTransactionOutcome> {
    return this.finishPrepared('ROLLBACK', gid);
  }

  async listPrepared(prefix: string): Promise<string[]> {
    const [rows] = await this.connection.query('XA RECOVER');
    const gids: string[] = [];
    for (const row of rows as XaRecoverRow[]) {
      if (row.formatID !== 1 || Number(row.bqual_length) !== 0) continue;
      const data = typeof row.data === 'string' ? Buffer.from(row.data) : row.data;
      const gid = data.subarray(0, Number(row.gtrid_length)).toString('utf8');
      if (gid.startsWith(prefix)) gids.push(gid);
    }
    return gids;
  }

  /** Claims by a named lock: waits `graceMs` for a holder to let go (disconnecting), then evicts it. */
  async claimSession(name: string, graceMs: number): Promise<void> {
    if (await this.getLock(name, graceMs / 1000)) return;
    await this.evictSessions(name);
    if (!(await this.getLock(name, EVICTION_TIMEOUT_MS / 1000))) {
      throw sessionNotEvictedError(name, `MySQL session ${String(await this.lockHolder(name))}`);
    }
  }

  async evictSessions(name: string): Promise<void> {
    const holder = await this.lockHolder(name);
    if (holder === undefined) return;
    try {
      await this.connection.query(`KILL CONNECTION ${holder}`);
    } catch (error) {
      if ((error as { errno?: unknown }).errno !== NO_SUCH_THREAD) throw error;
    }
    const deadline = Date.now() + EVICTION_TIMEOUT_MS;
    while ((await this.lockHolder(name)) === holder) {
      if (Date.now() >= deadline) throw sessionNotEvictedError(name, `MySQL session ${holder}`);
      await delay(20);
    }
  }

  /** XA is always available on InnoDB. */
  async checkTwoPhaseCommit(): Promise<void> {}

  async close(): Promise<void> {
    await this.connection.end();
  }

  destroy(): void {
    this.connection.destroy();
  }

  private async getLock(name: string, timeoutSeconds: number): Promise<boolean> {
    const [rows] = await this.connection.query('SELECT GET_LOCK(?, ?) AS locked', [name, timeoutSeconds]);
    return Number((rows as { locked: unknown }[])[0]?.locked) === 1;
  }

  /** The id of another session holding lock `name`, if any. */
  private async lockHolder(name: string): Promise<number | undefined> {
    const [rows] = await this.connection.query('SELECT IS_USED_LOCK(?) AS holder, CONNECTION_ID() AS own', [
      name,
    ]);
    const row = (rows as { holder: unknown; own: unknown }[])[0];
    const holder = row?.holder;
    return holder === null || holder === undefined || Number(holder) === Number(row?.own)
      ? undefined
      : Number(holder);
  }

  /**
   * XAER_NOTA means no such transaction — or one still bound to the session that prepared it
   * (which cannot be acted on from here until that session is gone): XA RECOVER tells them apart.
   */
  private async finishPrepared(
    verb: 'COMMIT' | 'ROLLBACK',
    gid: string,
  ): Promise<PreparedTransactionOutcome> {
    try {
      await this.connection.query(`XA ${verb} ${transactionIdLiteral(gid)}`);
      return 'done';
    } catch (error) {
      if ((error as { errno?: unknown }).errno !== XAER_NOTA) throw error;
      return (await this.listPrepared(gid)).includes(gid) ? 'attached' : 'unknown';
    }
  }
}

/** Values mysql2 would expand (arrays into lists, objects into `key = value` pairs) go as JSON. */
function toMySqlValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  return JSON.stringify(value);
}
