/**
 * Records a writer buffered, grouped by topic; one batch becomes one produce request per broker.
 */
import type { Message, ProducerBatch } from 'kafkajs';
import { loadKafkajs } from '../../../common/lazy-modules.js';
import type { KafkaProducerConfig } from './kafka-producer-config.js';

export class KafkaRecordBatch {
  private readonly byTopic = new Map<string, Message[]>();
  private count = 0;
  private size = 0;

  add(topic: string, message: Message, bytes: number): void {
    const messages = this.byTopic.get(topic);
    if (messages === undefined) this.byTopic.set(topic, [message]);
    else messages.push(message);
    this.count += 1;
    this.size += bytes;
  }

  get records(): number {
    return this.count;
  }

  /** The key and value bytes of the records (what `batch.size` is compared with). */
  get bytes(): number {
    return this.size;
  }

  get topics(): string[] {
    return [...this.byTopic.keys()];
  }

  toProducerBatch(config: KafkaProducerConfig): ProducerBatch {
    const { CompressionTypes } = loadKafkajs();
    return {
      acks: config.acks,
      timeout: config.requestTimeoutMs,
      compression: config.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      topicMessages: [...this.byTopic].map(([topic, messages]) => ({ topic, messages })),
    };
  }
}
