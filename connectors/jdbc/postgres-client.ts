import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { loadPg } from '../../common/lazy-modules.js';
import {
  EVICTION_TIMEOUT_MS,
  sessionNotEvictedError,
  transactionIdLiteral,
  type JdbcClient,
  type PreparedTransactionOutcome,
} from './jdbc-client.js';
import type { JdbcConnectionParameters } from './jdbc-connection-options.js';
import { JdbcErrorCode, sqlStateOf } from './jdbc-errors.js';

/** `undefined_object`: COMMIT/ROLLBACK PREPARED of an id that is not prepared. */
const UNDEFINED_OBJECT = '42704';
const SAVEPOINT = 'freshet_batch';

/** A JdbcClient on `pg`: statements in the extended protocol, `$n` placeholders. */
export class PostgresClient implements JdbcClient {
  readonly preparedTransactionBindsSession = false;
  broken: Error | undefined;
  private readonly client: pg.Client;
  private readonly target: string;

  private constructor(client: pg.Client, target: string) {
    this.client = client;
    this.target = target;
    // An idle connection that breaks emits 'error'; without a listener it would crash the process.
    client.on('error', (error) => (this.broken ??= error));
  }

  static async connect(parameters: JdbcConnectionParameters): Promise<PostgresClient> {
    const { Client } = loadPg();
    const client = new Client({
      host: parameters.host,
      port: parameters.port,
      ...(parameters.database === undefined ? {} : { database: parameters.database }),
      ...(parameters.user === undefined ? {} : { user: parameters.user }),
      ...(parameters.password === undefined ? {} : { password: parameters.password }),
      connectionTimeoutMillis: parameters.connectTimeoutMs,
      application_name: 'freshet-jdbc-sink',
    });
    const session = new PostgresClient(client, `${parameters.host}:${parameters.port}`);
    try {
      await client.connect();
    } catch (error) {
      session.destroy();
      throw error;
    }
    return session;
  }

  async execute(sql: string, params: readonly unknown[]): Promise<void> {
    await this.client.query({ text: sql, values: params as unknown[] });
  }

  async begin(): Promise<void> {
    await this.client.query('BEGIN');
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK');
  }

  async savepoint(): Promise<void> {
    await this.client.query(`SAVEPOINT ${SAVEPOINT}`);
  }

  async rollbackToSavepoint(): Promise<void> {
    await this.client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
  }

  async releaseSavepoint(): Promise<void> {
    await this.client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  }

  async startTransaction(_gid: string): Promise<void> {
    await this.begin();
  }

  async prepareTransaction(gid: string): Promise<void> {
    const result = await this.client.query(`PREPARE TRANSACTION ${transactionIdLiteral(gid)}`);
    // PREPARE TRANSACTION in a failed transaction rolls it back instead, without an error.
    if (result.command !== 'PREPARE') {
      throw new FreshetError(
        JdbcErrorCode.transactionFailed,
        `PostgreSQL rolled back transaction '${gid}' instead of preparing it (${result.command}): ` +
          'a statement in it had failed',
        { domain: ErrorDomain.external, retryable: true },
      );
    }
  }

  async commitOnePhase(_gid: string): Promise<void> {
    await this.commit();
  }

  async rollbackTransaction(_gid: string): Promise<void> {
    await this.rollback();
  }

  commitPrepared(gid: string): Promise<PreparedTransactionOutcome> {
    return this.finishPrepared('COMMIT', gid);
  }

  rollbackPrepared(gid: string): Promise<PreparedTransactionOutcome> {
    return this.finishPrepared('ROLLBACK', gid);
  }

  async listPrepared(prefix: string): Promise<string[]> {
    const result = await this.client.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND left(gid, $2) = $1 ' +
        'ORDER BY prepared',
      [prefix, prefix.length],
    );
    return result.rows.map((row) => row.gid);
  }

  /** PostgreSQL claims by `application_name`; a writer claims once, so there is no grace. */
  async claimSession(name: string, _graceMs: number): Promise<void> {
    await this.evictSessions(name);
    await this.client.query("SELECT set_config('application_name', $1, false)", [name]);
  }

  async evictSessions(name: string): Promise<void> {
    const others = 'FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()';
    await this.client.query(`SELECT pg_terminate_backend(pid) ${others}`, [name]);
    const deadline = Date.now() + EVICTION_TIMEOUT_MS;
    for (;;) {
      const left = await this.client.query<{ pid: number }>(`SELECT pid ${others}`, [name]);
      if (left.rows.length === 0) return;
      if (Date.now() >= deadline) {
        throw sessionNotEvictedError(name, `PostgreSQL backend ${left.rows.map((r) => r.pid).join(', ')}`);
      }
      await delay(20);
    }
  }

  async checkTwoPhaseCommit(): Promise<void> {
    const result = await this.client.query<{ max_prepared_transactions: string }>(
      'SHOW max_prepared_transactions',
    );
    if (Number(result.rows[0]?.max_prepared_transactions ?? '0') > 0) return;
    throw new FreshetError(
      JdbcErrorCode.preparedTransactionsDisabled,
      `PostgreSQL at ${this.target} runs with max_prepared_transactions = 0, so the exactly-once JDBC ` +
        'sink cannot prepare transactions: set max_prepared_transactions to at least the sink parallelism ' +
        'times the checkpoints in flight plus one (e.g. 64) and restart the server, or use ' +
        'JdbcSink.sink (at-least-once with upserts)',
      { domain: ErrorDomain.user, retryable: false },
    );
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  destroy(): void {
    this.client.end().catch((error: unknown) => (this.broken ??= toError(error)));
  }

  private async finishPrepared(
    verb: 'COMMIT' | 'ROLLBACK',
    gid: string,
  ): Promise<PreparedTransactionOutcome> {
    try {
      await this.client.query(`${verb} PREPARED ${transactionIdLiteral(gid)}`);
      return 'done';
    } catch (error) {
      if (sqlStateOf(error) === UNDEFINED_OBJECT) return 'unknown';
      throw error;
    }
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
