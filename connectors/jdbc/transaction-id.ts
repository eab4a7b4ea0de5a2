/**
 * Names of the exactly-once JDBC sink's transactions (PostgreSQL gids, XA xids):
 * `freshet-<job>-<operator>-<subtask>-<checkpoint>-<attempt>`, where `<job>` is the first 12
 * characters of the job ID, `<operator>` 8 hex digits of a hash of the operator's uid (or ID), and
 * `<checkpoint>` the first checkpoint the transaction can be prepared at (one after the last
 * checkpoint the writer saw; MySQL needs the name when the transaction starts). Unique per job,
 * operator, subtask and transaction; at most 64 characters (XA's limit); only `[a-z0-9-]`, so it
 * is safe in a SQL literal. A subtask finds its own lingering transactions by the prefix up to and
 * including `<subtask>-`. Pure.
 */
import { createHash } from 'node:crypto';

export interface TransactionIdScope {
  readonly jobId: string;
  readonly operatorUidOrId: string;
  readonly indexOfSubtask: number;
}

export interface ParsedTransactionId {
  readonly job: string;
  readonly operator: string;
  readonly subtask: number;
  readonly checkpointId: number;
  readonly attempt: number;
}

const PATTERN = /^freshet-([a-z0-9]{1,12})-([0-9a-f]{8})-(\d+)-(\d+)-(\d+)$/;

/** `freshet-<job>-<operator>-`: every transaction of the sink in this job. */
export function sinkTransactionIdPrefix(scope: Omit<TransactionIdScope, 'indexOfSubtask'>): string {
  const job =
    scope.jobId
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12) || 'job';
  const operator = createHash('sha256').update(scope.operatorUidOrId).digest('hex').slice(0, 8);
  return `freshet-${job}-${operator}-`;
}

/** `freshet-<job>-<operator>-<subtask>-`: the transactions of one subtask. */
export function subtaskTransactionIdPrefix(scope: TransactionIdScope): string {
  return `${sinkTransactionIdPrefix(scope)}${scope.indexOfSubtask}-`;
}

export function transactionId(scope: TransactionIdScope, checkpointId: number, attempt: number): string {
  return `${subtaskTransactionIdPrefix(scope)}${checkpointId}-${attempt}`;
}

export function parseTransactionId(gid: string): ParsedTransactionId | undefined {
  const match = PATTERN.exec(gid);
  if (match === null) return undefined;
  return {
    job: match[1]!,
    operator: match[2]!,
    subtask: Number(match[3]),
    checkpointId: Number(match[4]),
    attempt: Number(match[5]),
  };
}
