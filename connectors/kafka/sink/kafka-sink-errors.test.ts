import { describe, expect, it } from 'vitest';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import {
  brokerUnreachableError,
  isConnectionError,
  kafkaErrorType,
  sendError,
  transactionLostError,
} from './kafka-sink-errors.js';

const servers = ['k1:9092', 'k2:9092'];
const protocolError = (type: string): Error => Object.assign(new Error(`${type} happened`), { type });

describe('KafkaSink errors', () => {
  it('finds the protocol error type and connection errors in the cause chain', () => {
    const nested = new Error('retries exceeded', { cause: protocolError('UNKNOWN_TOPIC_OR_PARTITION') });
    expect(kafkaErrorType(nested)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(
      isConnectionError(
        new Error('x', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }),
      ),
    ).toBe(true);
    expect(isConnectionError(protocolError('NOT_LEADER'))).toBe(false);
  });

  it('names the missing topic', () => {
    const error = sendError(protocolError('UNKNOWN_TOPIC_OR_PARTITION'), ['orders'], servers);
    expect(error).toMatchObject({ code: 'KAFKA_TOPIC_NOT_FOUND', domain: 'user' });
    expect(error.message).toBe(
      "KafkaSink cannot write to topic 'orders': not found on k1:9092,k2:9092; create it " +
        '(or let the broker create topics with auto.create.topics.enable=true)',
    );
  });

  it('says what to do about a transaction timeout above the broker limit and about fencing', () => {
    expect(sendError(protocolError('INVALID_TRANSACTION_TIMEOUT'), [], servers).message).toMatch(
      /transaction\.max\.timeout\.ms/,
    );
    expect(sendError(protocolError('PRODUCER_FENCED'), ['t'], servers, 'p-1-0').message).toMatch(
      /'p-1-0' was fenced .* same transactionalIdPrefix/,
    );
  });

  it('classifies unreachable brokers and passes FreshetErrors through', () => {
    const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSConnectionError',
    });
    expect(sendError(refused, ['t'], servers)).toMatchObject({
      code: 'KAFKA_BROKER_UNREACHABLE',
      retryable: true,
    });
    expect(brokerUnreachableError(servers, 'connect', refused).message).toContain(
      'cannot reach the Kafka brokers k1:9092,k2:9092 to connect (after retries): Connection error',
    );
    const own = new FreshetError('X', 'mine');
    expect(sendError(own, ['t'], servers)).toBe(own);
  });

  it('explains a lost transaction and does not retry it', () => {
    const error = transactionLostError(
      'p-0-3',
      '42',
      1,
      'INVALID_PRODUCER_EPOCH',
      protocolError('INVALID_PRODUCER_EPOCH'),
    );
    expect(error).toMatchObject({ code: 'KAFKA_SINK_COMMIT_FAILED', retryable: false });
    expect(error.message).toMatch(/'p-0-3' \(producer id 42, epoch 1\).*transaction\.timeout\.ms/);
  });
});
