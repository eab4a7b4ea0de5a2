/**
 * Recovery of the exactly-once JDBC sink on start (Flink's JdbcXaSinkFunction recovery with
 * `recoveredAndRollback`): every prepared transaction named with this subtask's prefix
 * (`freshet-<job>-<operator>-<subtask>-`) that is still prepared is rolled back.
 *
 * Why that loses nothing: the SinkWriterOperator commits the committables of the checkpoint it
 * restores from before it creates the writer, so every transaction that checkpoint covers is
 * committed by then. What is still prepared was prepared after that checkpoint (for a checkpoint
 * that never completed); its rows are replayed from the restored source positions into a new
 * transaction. Left alone it would hold its locks forever. The parallelism of a job does not change
 * while it runs, so subtask i restores exactly subtask i's committables and touches only its own
 * transactions. A job restored from a savepoint has a new job ID: the old job's lingering
 * transactions are not found by the new prefix (as in Flink) and must be rolled back by hand.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import type { JdbcClient } from './jdbc-client.js';
import { JdbcErrorCode } from './jdbc-errors.js';
import { retryTransient, type RetryPolicy } from './jdbc-retry.js';

/** Rolls back the prepared transactions whose id starts with `prefix`; returns their ids. */
export async function rollBackLingeringTransactions(
  client: JdbcClient,
  prefix: string,
  retry: RetryPolicy,
): Promise<string[]> {
  const lingering = await client.listPrepared(prefix);
  for (const gid of lingering) {
    await retryTransient(retry, gid, async () => {
      if ((await client.rollbackPrepared(gid)) === 'attached')
        throw transactionAttachedError(gid, 'roll back');
    });
  }
  return lingering;
}

/**
 * MySQL/MariaDB: the prepared XA transaction is still bound to the session that prepared it
 * (which is disconnecting, or belongs to an attempt that is still shutting down). Retryable.
 */
export function transactionAttachedError(gid: string, action: string): FreshetError {
  return new FreshetError(
    JdbcErrorCode.commitFailed,
    `cannot ${action} prepared XA transaction '${gid}': it is still bound to the session that ` +
      'prepared it (that session has not disconnected yet); the task restarts and tries again',
    { domain: ErrorDomain.external, retryable: true },
  );
}
