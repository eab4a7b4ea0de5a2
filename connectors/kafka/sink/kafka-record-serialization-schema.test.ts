import { describe, expect, it } from 'vitest';
import { SimpleStringSchema } from '../common/simple-string-schema.js';
import { JsonSerializationSchema } from './json-serialization-schema.js';
import { FlinkFixedPartitioner } from './kafka-partitioner.js';
import { KafkaRecordSerializationSchema } from './kafka-record-serialization-schema.js';

const context = { parallelInstanceId: 1, numberOfParallelInstances: 2 };
const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('utf8');

describe('KafkaRecordSerializationSchema.builder()', () => {
  it('serializes the value, an optional key, the timestamp and headers into the topic', () => {
    const schema = KafkaRecordSerializationSchema.builder<string>()
      .setTopic('out')
      .setValueSerializationSchema(new SimpleStringSchema())
      .setKeySerializationSchema({ serialize: (s: string) => Buffer.from(s.slice(0, 1)) })
      .setHeaderProvider((s) => ({ length: String(s.length) }))
      .build();
    const record = schema.serialize('hello', context, 42)!;
    expect(record.topic).toBe('out');
    expect(text(record.key)).toBe('h');
    expect(text(record.value)).toBe('hello');
    expect(record.timestamp).toBe(42);
    expect(record.headers).toEqual({ length: '5' });
    const untimed = schema.serialize('x', context, undefined)!;
    expect(untimed.key).not.toBeNull();
    expect('timestamp' in untimed).toBe(false);
  });

  it('routes by a topic selector, and without a key schema records have no key', () => {
    const schema = KafkaRecordSerializationSchema.builder<{ kind: string; n: number }>()
      .setTopicSelector((e) => `events-${e.kind}`)
      .setValueSerializationSchema(new JsonSerializationSchema())
      .build();
    const record = schema.serialize({ kind: 'a', n: 1 }, context, undefined)!;
    expect(record.topic).toBe('events-a');
    expect(record.key).toBeNull();
    expect(JSON.parse(text(record.value)!)).toEqual({ kind: 'a', n: 1 });
    const bad = KafkaRecordSerializationSchema.builder<string>()
      .setTopicSelector(() => '')
      .setValueSerializationSchema(new SimpleStringSchema())
      .build();
    expect(() => bad.serialize('x', context, undefined)).toThrow(/topic selector returned ""/);
  });

  it('needs a value schema and exactly one of topic and topic selector', () => {
    expect(() => KafkaRecordSerializationSchema.builder<string>().setTopic('t').build()).toThrow(
      /setValueSerializationSchema/,
    );
    expect(() =>
      KafkaRecordSerializationSchema.builder<string>()
        .setValueSerializationSchema(new SimpleStringSchema())
        .build(),
    ).toThrow(/setTopic\(topic\) or setTopicSelector/);
    expect(() =>
      KafkaRecordSerializationSchema.builder<string>()
        .setTopic('a')
        .setTopicSelector(() => 'b'),
    ).toThrow(/setTopic was already called/);
    expect(() => KafkaRecordSerializationSchema.builder<string>().setTopic('')).toThrow(/non-empty/);
  });

  it('carries the partitioner for the writer, and opens key and value schemas', () => {
    const opened: string[] = [];
    const partitioner = new FlinkFixedPartitioner<string>();
    const schema = KafkaRecordSerializationSchema.builder<string>()
      .setTopic('t')
      .setValueSerializationSchema({
        open: () => opened.push('value'),
        serialize: (s: string) => Buffer.from(s),
      })
      .setKeySerializationSchema({ open: () => opened.push('key'), serialize: () => null })
      .setPartitioner(partitioner)
      .build();
    schema.open?.(context);
    expect(opened).toEqual(['value', 'key']);
    expect(schema.partitioner).toBe(partitioner);
  });
});

describe('serialization schemas', () => {
  it('SimpleStringSchema round-trips UTF-8', () => {
    const schema = new SimpleStringSchema();
    expect(schema.deserialize(schema.serialize('grüße ✓'))).toBe('grüße ✓');
    expect([...schema.serialize('é')]).toEqual([0xc3, 0xa9]);
  });

  it('JsonSerializationSchema maps elements first and refuses what JSON cannot hold', () => {
    const schema = new JsonSerializationSchema<{ id: number }>((e) => ({ key: e.id }));
    expect(text(schema.serialize({ id: 7 }))).toBe('{"key":7}');
    expect(() => new JsonSerializationSchema<undefined>().serialize(undefined)).toThrow(/cannot serialize/);
  });

  it('FlinkFixedPartitioner sends each subtask to one partition', () => {
    const partitioner = new FlinkFixedPartitioner<string>();
    partitioner.open(5, 6);
    expect(partitioner.partition('x', null, null, 't', [0, 1, 2])).toBe(2);
    partitioner.open(1, 6);
    expect(partitioner.partition('x', null, null, 't', [3, 4, 5])).toBe(4);
  });
});
