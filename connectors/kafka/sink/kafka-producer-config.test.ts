import { describe, expect, it } from 'vitest';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import { DEFAULT_TRANSACTION_TIMEOUT_MS, parseKafkaProducerConfig } from './kafka-producer-config.js';

const servers = { 'bootstrap.servers': 'a:9092, b:9093' };

describe('parseKafkaProducerConfig', () => {
  it('applies the defaults (transaction timeout one hour, acks all)', () => {
    const config = parseKafkaProducerConfig(servers, DeliveryGuarantee.EXACTLY_ONCE);
    expect(config).toMatchObject({
      bootstrapServers: ['a:9092', 'b:9093'],
      transactionTimeoutMs: DEFAULT_TRANSACTION_TIMEOUT_MS,
      acks: -1,
      compression: 'none',
      lingerMs: 0,
      maxInFlightRequests: 5,
    });
    expect(DEFAULT_TRANSACTION_TIMEOUT_MS).toBe(3_600_000);
  });

  it("parses Kafka's property names", () => {
    const config = parseKafkaProducerConfig(
      {
        ...servers,
        'transaction.timeout.ms': '900000',
        retries: '2',
        'retry.backoff.ms': '50',
        'compression.type': 'gzip',
        'linger.ms': '5',
        'batch.size': '65536',
        acks: '1',
        'client.id': 'orders',
      },
      DeliveryGuarantee.NONE,
    );
    expect(config).toMatchObject({
      transactionTimeoutMs: 900_000,
      retries: 2,
      retryBackoffMs: 50,
      compression: 'gzip',
      lingerMs: 5,
      batchSizeBytes: 65_536,
      acks: 1,
      clientId: 'orders',
    });
  });

  it('needs bootstrap servers as host:port', () => {
    expect(() => parseKafkaProducerConfig({}, DeliveryGuarantee.NONE)).toThrow(/setBootstrapServers/);
    expect(() =>
      parseKafkaProducerConfig({ 'bootstrap.servers': 'localhost' }, DeliveryGuarantee.NONE),
    ).toThrow(/'bootstrap.servers' is 'localhost'; expected a comma-separated list of host:port/);
  });

  it('refuses bad numbers, unknown keys and keys the sink sets itself, naming them', () => {
    expect(() => parseKafkaProducerConfig({ ...servers, 'linger.ms': '-1' }, DeliveryGuarantee.NONE)).toThrow(
      /'linger.ms' is '-1'/,
    );
    expect(() =>
      parseKafkaProducerConfig({ ...servers, 'request.timeout.ms': '0' }, DeliveryGuarantee.NONE),
    ).toThrow(/positive integer/);
    expect(() =>
      parseKafkaProducerConfig({ ...servers, 'buffer.memory': '1' }, DeliveryGuarantee.NONE),
    ).toThrow(/does not support the producer property 'buffer.memory' \(supported: bootstrap.servers/);
    expect(() =>
      parseKafkaProducerConfig({ ...servers, 'transactional.id': 'x' }, DeliveryGuarantee.NONE),
    ).toThrow(/setTransactionalIdPrefix/);
  });

  it('needs acks=all for AT_LEAST_ONCE and EXACTLY_ONCE', () => {
    for (const guarantee of [DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE]) {
      expect(() => parseKafkaProducerConfig({ ...servers, acks: '0' }, guarantee)).toThrow(/needs acks=all/);
    }
    expect(parseKafkaProducerConfig({ ...servers, acks: 'all' }, DeliveryGuarantee.AT_LEAST_ONCE).acks).toBe(
      -1,
    );
  });
});
