/**
 * The transactional ids of an exactly-once KafkaSink (Flink's TransactionalIdFactory), and checks
 * of the committables and writer states a checkpoint hands back.
 *
 * An id is `${prefix}-${jobId}-${subtaskIndex}-${counter}`: a subtask's counter grows by one per
 * transaction it begins, so the ids an attempt uses are consecutive from the counter it started at,
 * and a restored writer finds every lingering transaction of earlier attempts by probing ids from
 * the checkpoint's `nextTransactionCounter` until one was never used. The job id keeps a job's ids
 * apart from other jobs with the same prefix, and from the ids of the job it was restored from
 * (a savepoint may be restored at another parallelism, where subtask i no longer gets old subtask
 * i's state): the old job's lingering ids are aborted by whichever subtask received its state.
 */
import { FreshetError } from '../../../common/errors/freshet-error.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';

/** The ids of one subtask of one job. */
export interface TransactionalIdNamespace {
  readonly transactionalIdPrefix: string;
  readonly jobId: string;
  readonly subtaskIndex: number;
}

export function buildTransactionalId(namespace: TransactionalIdNamespace, counter: number): string {
  return `${namespace.transactionalIdPrefix}-${namespace.jobId}-${namespace.subtaskIndex}-${counter}`;
}

/** A string that equals for equal namespaces (a Map key). */
export function namespaceKey(namespace: TransactionalIdNamespace): string {
  return JSON.stringify([namespace.transactionalIdPrefix, namespace.jobId, namespace.subtaskIndex]);
}

function invalidState(what: string, value: unknown): FreshetError {
  return new FreshetError(
    'INVALID_KAFKA_SINK_STATE',
    `KafkaSink ${what} ${JSON.stringify(value)} is malformed; the checkpoint was not written by this KafkaSink`,
  );
}

const isCounter = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function checkWriterState(state: unknown): KafkaWriterState {
  const s = state as Partial<KafkaWriterState> | null | undefined;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.transactionalIdPrefix !== 'string' ||
    typeof s.jobId !== 'string' ||
    !isCounter(s.subtaskIndex) ||
    !isCounter(s.nextTransactionCounter)
  ) {
    throw invalidState('writer state', state);
  }
  return s as KafkaWriterState;
}

export function checkCommittable(committable: unknown): KafkaCommittable {
  const c = committable as Partial<KafkaCommittable> | null | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.transactionalId !== 'string' ||
    typeof c.producerId !== 'string' ||
    !/^\d+$/.test(c.producerId) ||
    !isCounter(c.epoch)
  ) {
    throw invalidState('committable', committable);
  }
  return c as KafkaCommittable;
}
