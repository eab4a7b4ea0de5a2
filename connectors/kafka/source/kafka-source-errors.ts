/**
 * The KafkaSource's reader failures. Messages name the topic, partition and offset concerned and
 * say what to do; codes are stable for tests and REST exception views.
 */
import { ErrorDomain, FreshetError, UserError } from '../../../common/errors/freshet-error.js';
import { describeKafkaError } from './kafka-retry.js';
import type { KafkaConsumerRecord } from './kafka-source-client.js';

export const KafkaSourceErrorCode = {
  /** Enumerator: a subscribed topic (or given partition) is not on the cluster, after a bounded wait. */
  unknownTopic: 'KAFKA_UNKNOWN_TOPIC',
  unknownPartition: 'KAFKA_UNKNOWN_PARTITION',
  /** Enumerator: metadata or offsets could not be fetched (brokers unreachable) within the timeout. */
  partitionDiscoveryFailed: 'KAFKA_PARTITION_DISCOVERY_FAILED',
  /** Starting offsets: nothing committed and the reset strategy is NONE. */
  noCommittedOffset: 'KAFKA_NO_COMMITTED_OFFSET',
  noOffsetSpecified: 'KAFKA_NO_OFFSET_SPECIFIED',
  offsetUnavailable: 'KAFKA_OFFSET_UNAVAILABLE',
  invalidOffset: 'KAFKA_INVALID_OFFSET',
  invalidTimestamp: 'KAFKA_INVALID_TIMESTAMP',
  /** Reader: a record the deserializer threw on. */
  deserializationFailed: 'KAFKA_DESERIALIZATION_FAILED',
  /** Reader: fetching failed past `default.api.timeout.ms`. */
  fetchFailed: 'KAFKA_FETCH_FAILED',
  offsetOutOfRange: 'KAFKA_OFFSET_OUT_OF_RANGE',
} as const;
export type KafkaSourceErrorCode = (typeof KafkaSourceErrorCode)[keyof typeof KafkaSourceErrorCode];

/** A record the deserializer threw on; the task fails unless a handler skips it. */
export function deserializationError(record: KafkaConsumerRecord, cause: unknown): UserError {
  return new UserError(
    KafkaSourceErrorCode.deserializationFailed,
    `KafkaSource failed to deserialize the record at topic '${record.topic}' partition ${record.partition} ` +
      `offset ${record.offset}: ${describeKafkaError(cause)}. Fix the data or the deserializer, or ` +
      'skip such records with setDeserializationErrorHandler',
    { cause },
  );
}

/** Fetching kept failing past `default.api.timeout.ms` (broker gone, partition without leader). */
export function fetchFailedError(
  splitIds: readonly string[],
  servers: readonly string[],
  elapsedMs: number,
  cause: unknown,
): FreshetError {
  return new FreshetError(
    KafkaSourceErrorCode.fetchFailed,
    `KafkaSource could not fetch ${splitIds.join(', ')} from ${servers.join(',')} for ${elapsedMs} ms ` +
      `(default.api.timeout.ms): ${describeKafkaError(cause)}`,
    { domain: ErrorDomain.external, retryable: true, cause },
  );
}

/** The position is gone (retention) and `auto.offset.reset` is none. */
export function offsetOutOfRangeError(splitId: string, offset: number): UserError {
  return new UserError(
    KafkaSourceErrorCode.offsetOutOfRange,
    `KafkaSource: offset ${offset} of ${splitId} is out of range (deleted by retention?) and ` +
      "'auto.offset.reset' is none; set it to earliest or latest to continue from there",
  );
}

/** What to do with a record that failed to deserialize: fail the task (Flink's behaviour) or skip it. */
export type DeserializationErrorHandler = (error: UserError, record: KafkaConsumerRecord) => 'fail' | 'skip';
