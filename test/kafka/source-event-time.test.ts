/**
 * Event time of the KafkaSource reader with the runtime's source output
 * (ProgressiveTimestampsAndWatermarks, as the SourceOperator uses it): records carry their Kafka
 * timestamps, each partition has its own watermark generator, so the source's watermark is the
 * minimum over the partitions — a partition that lags (or has no data yet) holds it back, and one
 * that stays quiet longer than the strategy's idleness stops doing so. In-memory Kafka, manual clock.
 */
import { describe, expect, it } from 'vitest';
import { InputStatus } from '../../api/connector/source.js';
import { WatermarkStatus } from '../../api/watermark/watermark-status.js';
import { WatermarkStrategy } from '../../api/watermark/watermark-strategy.js';
import { SimpleStringSchema } from '../../connectors/kafka/common/simple-string-schema.js';
import { kafkaPartitionSplit } from '../../connectors/kafka/source/kafka-partition-split.js';
import { KafkaRecordDeserializationSchema } from '../../connectors/kafka/source/kafka-record-deserialization-schema.js';
import { parseKafkaSourceConfig } from '../../connectors/kafka/source/kafka-source-options.js';
import { KafkaSourceReader } from '../../connectors/kafka/source/kafka-source-reader.js';
import { TestingKafkaStore } from '../../connectors/kafka/source/testing-kafka-source-client.js';
import { TestingSourceReaderContext } from '../../connectors/testing/testing-source-reader-context.js';
import { ProgressiveTimestampsAndWatermarks } from '../../taskmanager/operators/watermark/progressive-timestamps-and-watermarks.js';

function setUp(strategy: WatermarkStrategy<string>) {
  const store = new TestingKafkaStore();
  store.createTopic('clicks', 2);
  const clock = { now: 0, currentTimeMillis: () => clock.now };
  const records: string[] = [];
  const watermarks: (number | WatermarkStatus)[] = [];
  const eventTime = new ProgressiveTimestampsAndWatermarks(strategy, clock, {
    emitRecord: (value, timestamp) => records.push(`${value}@${timestamp}`),
    emitWatermark: (timestamp) => watermarks.push(timestamp),
    emitWatermarkStatus: (status) => watermarks.push(status),
  });
  const reader = new KafkaSourceReader<string>(new TestingSourceReaderContext(0, 1), {
    config: parseKafkaSourceConfig({ 'bootstrap.servers': 'testing:9092', 'fetch.max.wait.ms': '20' }),
    client: store.client(),
    deserializer: KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema()),
  });
  reader.addSplits([0, 1].map((partition) => kafkaPartitionSplit({ topic: 'clicks', partition }, 0)));
  /** Polls until `count` records were emitted in all (fetching happens in the background). */
  const pollUntil = async (count: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (records.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${records.length} of ${count} records`);
      if (reader.pollNext(eventTime.readerOutput) === InputStatus.NOTHING_AVAILABLE) {
        await Promise.race([reader.isAvailable(), new Promise((resolve) => setTimeout(resolve, 50))]);
      }
    }
  };
  return { store, clock, records, watermarks, eventTime, reader, pollUntil };
}

describe('KafkaSource event time', () => {
  it('holds the watermark at the slowest partition, also before that partition has data', async () => {
    const { store, records, watermarks, eventTime, reader, pollUntil } = setUp(
      WatermarkStrategy.forBoundedOutOfOrderness<string>(0),
    );
    store.append('clicks', 0, { value: 'a', timestamp: 10_000 }, { value: 'b', timestamp: 10_500 });
    await pollUntil(2);
    eventTime.onPeriodicEmit();
    // Partition 1 has no data yet: its output exists and holds the watermark back.
    expect(watermarks).toEqual([]);
    store.append('clicks', 1, { value: 'late-partition', timestamp: 2_000 });
    await pollUntil(3);
    eventTime.onPeriodicEmit();
    expect(records).toEqual(['a@10000', 'b@10500', 'late-partition@2000']);
    expect(watermarks).toEqual([1_999]);
    store.append('clicks', 1, { value: 'c', timestamp: 11_000 });
    await pollUntil(4);
    eventTime.onPeriodicEmit();
    expect(watermarks).toEqual([1_999, 10_499]);
    await reader.close();
  });

  it('does not let an idle partition stall event time (withIdleness)', async () => {
    const { store, clock, watermarks, eventTime, reader, pollUntil } = setUp(
      WatermarkStrategy.forBoundedOutOfOrderness<string>(0).withIdleness(1_000),
    );
    store.append('clicks', 0, { value: 'a', timestamp: 5_000 });
    await pollUntil(1);
    eventTime.onPeriodicEmit();
    expect(watermarks).toEqual([]);
    clock.now = 500;
    eventTime.onPeriodicEmit();
    clock.now = 1_600;
    store.append('clicks', 0, { value: 'b', timestamp: 6_000 });
    await pollUntil(2);
    eventTime.onPeriodicEmit();
    // Partition 1 was quiet for longer than 1 s: partition 0 alone decides.
    expect(watermarks).toEqual([5_999]);
    clock.now = 5_000;
    eventTime.onPeriodicEmit();
    clock.now = 7_000;
    eventTime.onPeriodicEmit();
    expect(watermarks.at(-1)).toBe(WatermarkStatus.IDLE);
    await reader.close();
  });
});
