import type { ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DeliveryGuarantee } from './delivery-guarantee.js';
import type { KafkaInternalConnection, KafkaInternalProducer } from './kafka-internal-producer.js';
import { parseKafkaProducerConfig } from './kafka-producer-config.js';
import { KafkaRecordBatch } from './kafka-record-batch.js';
import { CommittedTransactions } from './committed-transactions.js';
import { TransactionalRecordSender } from './transactional-record-sender.js';

/** A transactional producer that logs every step; sends resolve at once unless `hold` is set. */
class TestingProducer {
  epoch = -1;
  readonly producerId = '17';
  hold: Promise<void> | undefined;
  constructor(
    readonly transactionalId: string,
    private readonly log: string[],
  ) {}
  initTransactions(): Promise<void> {
    this.log.push(`init ${this.transactionalId}`);
    this.epoch = 4;
    return Promise.resolve();
  }
  beginTransaction(): void {}
  async send(batch: ProducerBatch): Promise<void> {
    await this.hold;
    this.log.push(
      `send ${this.transactionalId} ${batch.topicMessages![0]!.messages.map((m) => String(m.value)).join(',')}`,
    );
  }
  abortTransaction(): Promise<void> {
    this.log.push(`abort ${this.transactionalId}`);
    return Promise.resolve();
  }
}

class TestingConnection {
  readonly log: string[] = [];
  readonly producers: TestingProducer[] = [];
  closed = false;
  producer(transactionalId: string): KafkaInternalProducer {
    const producer = new TestingProducer(transactionalId, this.log);
    this.producers.push(producer);
    return producer as unknown as KafkaInternalProducer;
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const config = parseKafkaProducerConfig({ 'bootstrap.servers': 'k:9092' }, DeliveryGuarantee.EXACTLY_ONCE);
const namespace = { transactionalIdPrefix: 'p', jobId: 'job', subtaskIndex: 3 };

function batch(...values: string[]): KafkaRecordBatch {
  const b = new KafkaRecordBatch();
  for (const value of values) b.add('out', { value }, value.length);
  return b;
}

function sender(
  connection: TestingConnection,
  start = 5,
  commits = new CommittedTransactions(),
): TransactionalRecordSender {
  return new TransactionalRecordSender(
    connection as unknown as KafkaInternalConnection,
    config,
    namespace,
    start,
    () => 0,
    commits,
  );
}

describe('TransactionalRecordSender', () => {
  it('begins the first transaction at once and the next one at each barrier that commits records', async () => {
    const connection = new TestingConnection();
    const commits = new CommittedTransactions();
    const s = sender(connection, 5, commits);
    expect(connection.log).toEqual(['init p-job-3-5']);
    s.send(batch('a', 'b'));
    const committables = await s.prepareCommit(1);
    expect(committables).toEqual([{ transactionalId: 'p-job-3-5', producerId: '17', epoch: 4 }]);
    expect(s.snapshotState(1)).toEqual([{ ...namespace, nextTransactionCounter: 6 }]);
    commits.committed(committables[0]!);
    s.send(batch('c'));
    expect(await s.prepareCommit(2)).toEqual([{ transactionalId: 'p-job-3-6', producerId: '17', epoch: 4 }]);
    expect(connection.log.filter((l) => l.startsWith('init'))).toEqual([
      'init p-job-3-5',
      'init p-job-3-6',
      'init p-job-3-7',
    ]);
    expect(connection.log.filter((l) => l.startsWith('send'))).toEqual([
      'send p-job-3-5 a,b',
      'send p-job-3-6 c',
    ]);
  });

  it('hands a transaction over again at every checkpoint until its commit is reported', async () => {
    const connection = new TestingConnection();
    const commits = new CommittedTransactions();
    const s = sender(connection, 5, commits);
    s.send(batch('a'));
    const [first] = await s.prepareCommit(1);
    s.send(batch('b'));
    // The commit of checkpoint 1 is still in flight when checkpoint 2 is taken.
    const second = await s.prepareCommit(2);
    expect(second.map((c) => c.transactionalId)).toEqual(['p-job-3-5', 'p-job-3-6']);
    expect(await s.prepareCommit(3)).toEqual(second); // an idle interval hands them over too
    commits.committed(first!);
    expect((await s.prepareCommit(4)).map((c) => c.transactionalId)).toEqual(['p-job-3-6']);
    expect(commits.watched).toBe(1);
    await s.close();
    expect(commits.watched).toBe(0);
  });

  it('keeps a transaction without records open across barriers (an idle subtask)', async () => {
    const connection = new TestingConnection();
    const s = sender(connection, 0);
    expect(await s.prepareCommit(1)).toEqual([]);
    expect(await s.prepareCommit(2)).toEqual([]);
    expect(s.snapshotState(2)).toEqual([{ ...namespace, nextTransactionCounter: 0 }]);
    expect(connection.log).toEqual(['init p-job-3-0']);
  });

  it('cuts synchronously: records sent after prepareCommit go to the next transaction', async () => {
    const connection = new TestingConnection();
    const s = sender(connection);
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    connection.producers[0]!.hold = hold;
    s.send(batch('before'));
    const prepared = s.prepareCommit(1);
    s.send(batch('after'));
    release();
    expect((await prepared)[0]!.transactionalId).toBe('p-job-3-5');
    await s.flush();
    // The next transaction's first batch waited for the previous transaction's last.
    expect(connection.log.filter((l) => l.startsWith('send'))).toEqual([
      'send p-job-3-5 before',
      'send p-job-3-6 after',
    ]);
  });

  it('fails prepareCommit and flush with a send failure, and then leaves the open transaction alone', async () => {
    const connection = new TestingConnection();
    const s = sender(connection);
    connection.producers[0]!.send = () =>
      Promise.reject(Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' }));
    s.send(batch('x'));
    await expect(s.prepareCommit(1)).rejects.toMatchObject({ code: 'KAFKA_PRODUCER_FENCED' });
    expect(s.failure?.message).toContain("'p-job-3-5' was fenced");
    await expect(s.flush()).rejects.toBe(s.failure);
    await s.close();
    expect(connection.log.some((l) => l.startsWith('abort'))).toBe(false);
    expect(connection.closed).toBe(true);
  });

  it('close aborts the open transaction but never a prepared one', async () => {
    const connection = new TestingConnection();
    const s = sender(connection);
    s.send(batch('prepared'));
    await s.prepareCommit(1);
    s.send(batch('open'));
    await s.close();
    expect(connection.log.filter((l) => l.startsWith('abort'))).toEqual(['abort p-job-3-6']);
    expect(connection.closed).toBe(true);
  });
});
