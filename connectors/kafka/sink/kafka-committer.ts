/**
 * Commits the transactions of completed checkpoints (Flink's KafkaCommitter): EndTxn(commit) with
 * each committable's producer id and epoch, sent to its transaction coordinator over the
 * committer's own connection, so it works the same whether the writer that began the transaction
 * is alive or died before the restore.
 *
 * Idempotent, as the runtime needs after a restore: committing a transaction that is already
 * committed succeeds (the coordinator answers CONCURRENT_TRANSACTIONS while the commit markers are
 * written, which is retried, then success), and so does one whose id the broker has forgotten
 * (expired days after it ended). A transaction the broker aborted meanwhile (timed out, or fenced)
 * cannot be committed: that fails the task with KAFKA_SINK_COMMIT_FAILED, not retryable,
 * since its records are gone; transient failures (broker down, coordinator moving) are retried with
 * the client's retry policy, then fail retryably.
 */
import type { Kafka } from 'kafkajs';
import type { Committer } from '../../../api/connector/sink.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import type { KafkaCommittable } from './kafka-committable.js';
import { committableKey, type CommittedTransactions } from './committed-transactions.js';
import { KafkaInternalConnection } from './kafka-internal-producer.js';
import type { KafkaProducerConfig } from './kafka-producer-config.js';
import {
  brokerUnreachableError,
  commitError,
  kafkaErrorType,
  transactionLostError,
} from './kafka-sink-errors.js';
import { checkCommittable } from './transactional-id.js';

/** Coordinator answers meaning the transaction was aborted: committing cannot work. */
const LOST = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_TXN_STATE']);
/**
 * The coordinator no longer knows the transactional id: it expired after
 * transactional.id.expiration.ms (7 days by default) without use, so the transaction ended long
 * ago, committed or timed out (far shorter); as Flink's KafkaCommitter, nothing is left to commit.
 */
const EXPIRED = 'INVALID_PRODUCER_ID_MAPPING';

export class KafkaCommitter implements Committer<KafkaCommittable> {
  private connection: Promise<KafkaInternalConnection> | undefined;

  /** `commits`: where the writers of the sink learn what was committed. */
  constructor(
    private readonly kafka: Kafka,
    private readonly config: KafkaProducerConfig,
    private readonly commits: CommittedTransactions,
  ) {}

  /** Commits each transaction once, even when it comes several times (writers hand them over again). */
  async commit(committables: KafkaCommittable[]): Promise<void> {
    if (committables.length === 0) return;
    const unique = new Map(committables.map(checkCommittable).map((c) => [committableKey(c), c]));
    const connection = await this.connect();
    await Promise.all(
      [...unique.values()].map(async (committable) => {
        await this.commitOne(connection, committable);
        this.commits.committed(committable);
      }),
    );
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection === undefined) return;
    let open: KafkaInternalConnection;
    try {
      open = await connection;
    } catch {
      return; // never connected: nothing to close (the failure went to the commit that connected)
    }
    await open.close();
  }

  private connect(): Promise<KafkaInternalConnection> {
    if (this.connection === undefined) {
      const connecting = KafkaInternalConnection.open(this.kafka).catch((error: unknown) => {
        if (this.connection === connecting) this.connection = undefined;
        throw brokerUnreachableError(this.config.bootstrapServers, 'commit transactions', error);
      });
      this.connection = connecting;
    }
    return this.connection;
  }

  private async commitOne(connection: KafkaInternalConnection, committable: KafkaCommittable): Promise<void> {
    const { transactionalId, producerId, epoch } = committable;
    try {
      await connection.retry(async (bail) => {
        try {
          await connection.endTransaction(transactionalId, producerId, epoch, true);
        } catch (error) {
          const type = kafkaErrorType(error);
          if (type === EXPIRED) return;
          if (type !== undefined && LOST.has(type)) {
            bail(transactionLostError(transactionalId, producerId, epoch, type, error));
            return;
          }
          throw error; // kafkajs retries what it marks retriable (CONCURRENT_TRANSACTIONS, connections)
        }
      });
    } catch (error) {
      if (error instanceof FreshetError) throw error;
      throw commitError(transactionalId, this.config.bootstrapServers, error);
    }
  }
}
