/**
 * Aborts the transactions a failed attempt left open (Flink's TransactionAborter), so that
 * `read_committed` consumers are not held up until the broker times them out.
 */
import { FreshetError } from '../../../common/errors/freshet-error.js';
import type { KafkaInternalConnection } from './kafka-internal-producer.js';
import { buildTransactionalId, type TransactionalIdNamespace } from './transactional-id.js';

/** More consecutive used ids than this means something else is wrong; fail instead of probing on. */
const MAX_PROBES = 10_000;

const noPartition = (): number => 0;

/**
 * Calls InitProducerId for the namespace's ids from `fromCounter` on, which aborts the open
 * transaction of each (and fences its producer), until an id comes back with epoch 0: never used,
 * so no later id of the namespace was used either (ids are used in order). Returns how many ids
 * were in use. Ids below `fromCounter` are never touched: they are committed, or committables of
 * the restored checkpoint that are being committed.
 */
export async function abortLingeringTransactions(
  connection: KafkaInternalConnection,
  namespace: TransactionalIdNamespace,
  fromCounter: number,
  transactionTimeoutMs: number,
): Promise<number> {
  for (let counter = fromCounter; counter < fromCounter + MAX_PROBES; counter++) {
    const producer = connection.producer(
      buildTransactionalId(namespace, counter),
      transactionTimeoutMs,
      noPartition,
    );
    await producer.initTransactions();
    if (producer.epoch === 0) return counter - fromCounter;
  }
  throw new FreshetError(
    'KAFKA_TOO_MANY_LINGERING_TRANSACTIONS',
    `KafkaSink found more than ${MAX_PROBES} used transactional ids from ` +
      `'${buildTransactionalId(namespace, fromCounter)}' on; is another job using the same transactionalIdPrefix?`,
  );
}
