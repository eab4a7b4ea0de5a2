import type { Committer } from '../../api/connector/sink.js';
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import type { JdbcClient, JdbcConnector } from './jdbc-client.js';
import type { JdbcCommittable } from './jdbc-committable.js';
import type { JdbcConnectionOptions } from './jdbc-connection-options.js';
import { describeDatabaseError, JdbcErrorCode } from './jdbc-errors.js';
import { retryTransient, type RetryPolicy, type Sleep } from './jdbc-retry.js';
import { transactionAttachedError } from './lingering-transactions.js';

/**
 * Commits the transactions the exactly-once writers prepared, once their checkpoint completed:
 * `COMMIT PREPARED 'gid'` (PostgreSQL) or `XA COMMIT 'xid'` (MySQL/MariaDB), on a session of its
 * own. Transient failures are retried (`maxCommitAttempts`, on a new session), then the task fails;
 * the restore commits the same committables again.
 *
 * Idempotent: an id the server does not know counts as committed. A committable exists only for a
 * transaction whose PREPARE succeeded, and a prepared transaction ends only by COMMIT PREPARED or
 * ROLLBACK PREPARED. The sink rolls back only transactions that are not among the committables of
 * the checkpoint it restores from, after those were committed (lingering-transactions.ts), and a
 * committable is never part of a later checkpoint than the one it was prepared for, so an unknown
 * id is one this committer (or an earlier attempt's) committed already — as Flink's XA sink treats
 * XAER_NOTA on recovery. MySQL/MariaDB also report XAER_NOTA for a transaction still bound to the
 * session that prepared it; XA RECOVER tells that case apart, and it is retried.
 */
export class JdbcCommitter implements Committer<JdbcCommittable> {
  private readonly connection: JdbcConnectionOptions;
  private readonly connector: JdbcConnector;
  private readonly retry: RetryPolicy;
  private readonly closing = new AbortController();
  private client: JdbcClient | undefined;

  constructor(
    connection: JdbcConnectionOptions,
    connector: JdbcConnector,
    maxCommitAttempts: number,
    backoffMs: number,
    sleep: Sleep,
  ) {
    this.connection = connection;
    this.connector = connector;
    this.retry = { maxRetries: maxCommitAttempts - 1, backoffMs, sleep, signal: this.closing.signal };
  }

  async commit(committables: JdbcCommittable[]): Promise<void> {
    for (const committable of committables) await this.commitOne(committable.transactionId);
  }

  async close(): Promise<void> {
    this.closing.abort();
    const client = this.client;
    this.client = undefined;
    try {
      await client?.close();
    } catch {
      client?.destroy();
    }
  }

  private async commitOne(gid: string): Promise<void> {
    try {
      await retryTransient(this.retry, this.connection.describe(), async () => {
        if (this.client?.broken !== undefined) this.discardSession();
        this.client ??= await this.connector(this.connection.parameters);
        let outcome;
        try {
          outcome = await this.client.commitPrepared(gid);
        } catch (error) {
          this.discardSession();
          throw error;
        }
        if (outcome === 'attached') throw transactionAttachedError(gid, 'commit');
      });
    } catch (error) {
      if (error instanceof FreshetError) throw error;
      throw new FreshetError(
        JdbcErrorCode.commitFailed,
        `JDBC exactly-once sink could not commit prepared transaction '${gid}' on ` +
          `${this.connection.describe()}: ${describeDatabaseError(error)}`,
        { domain: ErrorDomain.external, retryable: true, cause: error },
      );
    }
  }

  private discardSession(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}

/** The at-least-once sink's committer: its writers prepare nothing. */
export class NoOpJdbcCommitter implements Committer<JdbcCommittable> {
  commit(committables: JdbcCommittable[]): Promise<void> {
    if (committables.length === 0) return Promise.resolve();
    return Promise.reject(
      new FreshetError(
        'JDBC_UNEXPECTED_COMMITTABLES',
        `the at-least-once JDBC sink got ${committables.length} committable(s) to commit; ` +
          'the checkpoint was written by an exactly-once JDBC sink',
      ),
    );
  }
}
