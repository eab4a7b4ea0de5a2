import type { Message, PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { KafkaPartitioner } from './kafka-partitioner.js';
import { kafkajsPartitioner } from './kafkajs-partitioner.js';

const metadata = [2, 0, 1].map((partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);

describe('kafkajsPartitioner', () => {
  it("gives the sink's partitioner the element, key, value and sorted partition ids", () => {
    const elements = new WeakMap<Message, unknown>();
    const seen: unknown[] = [];
    const byLength: KafkaPartitioner<string> = {
      partition: (record, key, value, topic, partitions) => {
        seen.push([
          record,
          key === null ? null : Buffer.from(key).toString(),
          Buffer.from(value!).toString(),
          topic,
          partitions,
        ]);
        return partitions[record.length % partitions.length]!;
      },
    };
    const partition = kafkajsPartitioner(byLength, elements);
    const message: Message = { key: 'k', value: Buffer.from('v') };
    elements.set(message, 'abcd');
    expect(partition({ topic: 't', partitionMetadata: metadata, message })).toBe(1);
    expect(seen).toEqual([['abcd', 'k', 'v', 't', [0, 1, 2]]]);
    expect(
      partition({ topic: 't', partitionMetadata: metadata, message: { value: 'x', partition: 2 } }),
    ).toBe(2);
  });

  it('fails clearly when the partitioner throws or picks a partition the topic lacks', () => {
    const elements = new WeakMap<Message, unknown>();
    const message: Message = { value: 'v' };
    const throwing = kafkajsPartitioner<string>(
      {
        partition: () => {
          throw new Error('nope');
        },
      },
      elements,
    );
    expect(() => throwing({ topic: 't', partitionMetadata: metadata, message })).toThrow(
      /partitioner failed for topic 't': Error: nope/,
    );
    const outOfRange = kafkajsPartitioner<string>({ partition: () => 9 }, elements);
    expect(() => outOfRange({ topic: 't', partitionMetadata: metadata, message })).toThrow(
      /chose partition 9 of topic 't', which has partitions 0,1,2/,
    );
  });

  it("uses Kafka's default partitioner without one (same key, same partition)", () => {
    const partition = kafkajsPartitioner(undefined, undefined);
    const first = partition({
      topic: 't',
      partitionMetadata: metadata,
      message: { key: 'user-1', value: 'a' },
    });
    const second = partition({
      topic: 't',
      partitionMetadata: metadata,
      message: { key: 'user-1', value: 'b' },
    });
    expect(second).toBe(first);
  });
});
