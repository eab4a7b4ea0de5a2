/**
 * Sends a writer's batches with a plain kafkajs producer, up to `max.in.flight.requests.per.connection`
 * at once, the rest queued in order (NONE and AT_LEAST_ONCE). AT_LEAST_ONCE waits at each
 * checkpoint until Kafka acknowledged every batch sent before the barrier (Flink's flush on
 * checkpoint), so the checkpoint completes only when those records are in Kafka; NONE does not wait.
 */
import type { Producer } from 'kafkajs';
import type { FreshetError } from '../../../common/errors/freshet-error.js';
import type { KafkaCommittable, KafkaWriterState } from './kafka-committable.js';
import type { KafkaProducerConfig } from './kafka-producer-config.js';
import type { KafkaRecordBatch } from './kafka-record-batch.js';
import type { KafkaRecordSender } from './kafka-record-sender.js';
import { sendError } from './kafka-sink-errors.js';

export class AtLeastOnceRecordSender implements KafkaRecordSender {
  /** One promise per batch not yet acknowledged (queued or in flight); each resolves, never rejects. */
  private readonly outstanding = new Set<Promise<void>>();
  private readonly queued: (() => void)[] = [];
  private inFlight = 0;
  private firstFailure: FreshetError | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly config: KafkaProducerConfig,
    private readonly flushOnCheckpoint: boolean,
  ) {}

  get failure(): FreshetError | undefined {
    return this.firstFailure;
  }

  /** Batches queued or in flight (a gauge of what the writer holds). */
  get pendingBatches(): number {
    return this.outstanding.size;
  }

  send(batch: KafkaRecordBatch): void {
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.outstanding.add(done);
    const start = (): void => {
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.outstanding.delete(done);
        settle();
        this.startQueued();
      });
    };
    if (this.inFlight < this.config.maxInFlightRequests) start();
    else this.queued.push(start);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.outstanding]);
    if (this.firstFailure !== undefined) throw this.firstFailure;
  }

  async prepareCommit(_checkpointId: number): Promise<KafkaCommittable[]> {
    if (this.flushOnCheckpoint) await this.flush();
    return [];
  }

  snapshotState(_checkpointId: number): KafkaWriterState[] {
    return [];
  }

  async close(): Promise<void> {
    this.queued.length = 0;
    await this.producer.disconnect();
  }

  private async run(batch: KafkaRecordBatch): Promise<void> {
    // After a failure the task fails; later batches are not sent (their records are replayed).
    if (this.firstFailure !== undefined) return;
    try {
      await this.producer.sendBatch(batch.toProducerBatch(this.config));
    } catch (error) {
      this.firstFailure ??= sendError(error, batch.topics, this.config.bootstrapServers);
    }
  }

  private startQueued(): void {
    while (this.inFlight < this.config.maxInFlightRequests) {
      const next = this.queued.shift();
      if (next === undefined) return;
      next();
    }
  }
}
