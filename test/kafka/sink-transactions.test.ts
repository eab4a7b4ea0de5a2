/**
 * The exactly-once KafkaSink's transaction handling against a real broker, driven directly (no
 * job): committing a checkpoint's transaction from a fresh connection after its writer is gone
 * (the commit-after-restore path), idempotent re-commits, aborting the lingering transactions of a
 * failed attempt on restore, idle writers, and a transaction the broker aborted meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { Packr } from 'msgpackr';
import { expect, it } from 'vitest';
import { DeliveryGuarantee } from '../../connectors/kafka/sink/delivery-guarantee.js';
import type { KafkaCommittable, KafkaWriterState } from '../../connectors/kafka/sink/kafka-committable.js';
import { KafkaRecordSerializationSchema } from '../../connectors/kafka/sink/kafka-record-serialization-schema.js';
import { KafkaSink } from '../../connectors/kafka/sink/kafka-sink.js';
import { SimpleStringSchema } from '../../connectors/kafka/common/simple-string-schema.js';
import {
  TestingSinkInitContext,
  TestingSinkWriterContext,
} from '../../connectors/testing/testing-sink-init-context.js';
import { type KafkaBroker, kafkaAvailable } from '../support/kafka-broker.js';
import { useKafkaBroker } from './kafka-broker-lifecycle.js';
import { describeWithServer } from '../support/server-availability.js';
import { countValues, readUntilEndMarkers, uniqueTopic, writeEndMarkers } from './sink-test-support.js';

const writeContext = new TestingSinkWriterContext();
/** The checkpoint's encoding of list states (taskmanager/checkpoint/task-state-writer.ts). */
const packr = new Packr({ useRecords: true, moreTypes: true });
const throughCheckpoint = <T>(values: T[]): T[] => packr.unpack(packr.pack(values)) as T[];

function exactlyOnceSink(broker: KafkaBroker, topic: string, prefix: string): KafkaSink<string> {
  return KafkaSink.builder<string>()
    .setBootstrapServers(broker.bootstrapServers)
    .setRecordSerializer(
      KafkaRecordSerializationSchema.builder<string>()
        .setTopic(topic)
        .setValueSerializationSchema(new SimpleStringSchema())
        .build(),
    )
    .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
    .setTransactionalIdPrefix(prefix)
    .setProperty('transaction.timeout.ms', 600_000)
    .build();
}

function context(jobId: string, attemptNumber = 0): TestingSinkInitContext {
  return new TestingSinkInitContext({
    jobId,
    attemptNumber,
    checkpointingEnabled: true,
    operatorUidOrId: 'kafka-out',
  });
}

const newJobId = (): string => randomBytes(16).toString('hex');
const values = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describeWithServer('KafkaSink transactions (real broker)', kafkaAvailable, () => {
  const kafka = useKafkaBroker();

  it('commits a prepared transaction from a fresh connection after its writer is gone, idempotently', async () => {
    const topic = uniqueTopic('eo-commit');
    await kafka.broker.createTopic(topic, 2);
    const sink = exactlyOnceSink(kafka.broker, topic, 'eo-commit');
    const jobId = newJobId();
    const writer = await sink.createWriter(context(jobId));
    for (const value of values('a', 10)) writer.write(value, writeContext);
    const committables = throughCheckpoint(await writer.prepareCommit(1));
    const state = throughCheckpoint(writer.snapshotState(1));
    expect(committables).toEqual([
      {
        transactionalId: `eo-commit-${jobId}-0-0`,
        producerId: expect.stringMatching(/^\d+$/) as string,
        epoch: expect.any(Number) as number,
      },
    ]);
    expect(state).toEqual([
      { transactionalIdPrefix: 'eo-commit', jobId, subtaskIndex: 0, nextTransactionCounter: 1 },
    ]);
    await writer.close(); // the writer's process is gone; its prepared transaction stays open

    await writeEndMarkers(kafka.broker.bootstrapServers, topic, 2);
    // The records are in the log (uncommitted) before the commit.
    const uncommitted = await readUntilEndMarkers(
      kafka.broker.bootstrapServers,
      topic,
      2,
      'read_uncommitted',
    );
    expect(uncommitted.map((r) => r.value).sort()).toEqual(values('a', 10).sort());

    const committer = sink.createCommitter(context(jobId, 1));
    await committer.commit(committables);
    await committer.commit(committables); // again, as after a second restore
    await committer.close();
    const another = sink.createCommitter(context(jobId, 2));
    await another.commit(committables);
    await another.close();

    const committed = await readUntilEndMarkers(kafka.broker.bootstrapServers, topic, 2, 'read_committed');
    expect(committed.map((r) => r.value).sort()).toEqual(values('a', 10).sort());
  });

  it('a restored writer aborts the transactions a failed attempt left open, then continues', async () => {
    const topic = uniqueTopic('eo-abort');
    await kafka.broker.createTopic(topic, 2);
    const sink = exactlyOnceSink(kafka.broker, topic, 'eo-abort');
    const jobId = newJobId();
    const first = await sink.createWriter(context(jobId));
    for (const value of values('b', 5)) first.write(value, writeContext);
    const checkpoint1 = throughCheckpoint(await first.prepareCommit(1));
    const state1: KafkaWriterState[] = throughCheckpoint(first.snapshotState(1));
    // After checkpoint 1: a transaction that never reaches a checkpoint (the attempt fails).
    for (const value of values('lost', 5)) first.write(value, writeContext);
    await first.flush(false);
    const committer = sink.createCommitter(context(jobId, 1));
    await committer.commit(checkpoint1);

    // The restore: a new writer from checkpoint 1's state, while the failed one still runs (a zombie).
    const second = await sink.createWriter(context(jobId, 1), state1);
    for (const value of values('c', 5)) second.write(value, writeContext);
    const checkpoint2: KafkaCommittable[] = await second.prepareCommit(2);
    expect(checkpoint2).toEqual([
      {
        transactionalId: `eo-abort-${jobId}-0-1`,
        producerId: expect.stringMatching(/^\d+$/) as string,
        epoch: expect.any(Number) as number,
      },
    ]);
    expect(checkpoint2[0]!.epoch).toBeGreaterThan(0); // the id was used before, and fenced
    await committer.commit(checkpoint2);
    await committer.close();
    await second.close();
    await first.close(); // the zombie's open transaction was aborted under it: nothing left to do

    await writeEndMarkers(kafka.broker.bootstrapServers, topic, 2);
    // Without the abort, the open transaction would hold read_committed consumers back.
    const committed = await readUntilEndMarkers(kafka.broker.bootstrapServers, topic, 2, 'read_committed');
    expect(committed.map((r) => r.value).sort()).toEqual([...values('b', 5), ...values('c', 5)].sort());
    const uncommitted = await readUntilEndMarkers(
      kafka.broker.bootstrapServers,
      topic,
      2,
      'read_uncommitted',
    );
    expect(uncommitted.map((r) => r.value).sort()).toEqual(
      [...values('b', 5), ...values('lost', 5), ...values('c', 5)].sort(),
    );
  });

  it('an idle writer hands over nothing and keeps its transaction for later records', async () => {
    const topic = uniqueTopic('eo-idle');
    await kafka.broker.createTopic(topic, 1);
    const sink = exactlyOnceSink(kafka.broker, topic, 'eo-idle');
    const jobId = newJobId();
    const writer = await sink.createWriter(context(jobId));
    expect(await writer.prepareCommit(1)).toEqual([]);
    expect(await writer.prepareCommit(2)).toEqual([]);
    expect(writer.snapshotState(2)).toEqual([
      { transactionalIdPrefix: 'eo-idle', jobId, subtaskIndex: 0, nextTransactionCounter: 0 },
    ]);
    writer.write('late', writeContext);
    await writer.flush(true);
    const last = await writer.prepareCommit(3);
    expect(last.map((c) => c.transactionalId)).toEqual([`eo-idle-${jobId}-0-0`]);
    await sink.createCommitter(context(jobId)).commit(last);
    await writer.close();
    await writeEndMarkers(kafka.broker.bootstrapServers, topic, 1);
    const committed = await readUntilEndMarkers(kafka.broker.bootstrapServers, topic, 1, 'read_committed');
    expect(countValues(committed)).toEqual(new Map([['late', 1]]));
  });

  it('fails loudly, not retryably, when a checkpoint transaction was aborted by the broker', async () => {
    const topic = uniqueTopic('eo-lost');
    await kafka.broker.createTopic(topic, 1);
    const sink = exactlyOnceSink(kafka.broker, topic, 'eo-lost');
    const jobId = newJobId();
    const writer = await sink.createWriter(context(jobId));
    writer.write('x', writeContext);
    const committables = await writer.prepareCommit(1);
    await writer.close();
    // A restore from before that checkpoint aborts the transaction (as a timeout would).
    const restored = await sink.createWriter(context(jobId, 1));
    await restored.close();
    const failure = await sink
      .createCommitter(context(jobId, 2))
      .commit(committables)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: 'KAFKA_SINK_COMMIT_FAILED', retryable: false });
    expect((failure as Error).message).toContain(`'eo-lost-${jobId}-0-0'`);
    expect((failure as Error).message).toMatch(/records are lost/);
  });

  it('counts a transaction whose id the broker no longer knows (expired) as long ended', async () => {
    const sink = exactlyOnceSink(kafka.broker, uniqueTopic('eo-expired'), 'eo-expired');
    const committer = sink.createCommitter(context(newJobId()));
    await committer.commit([
      { transactionalId: `eo-expired-${newJobId()}-0-0`, producerId: '987654', epoch: 0 },
    ]);
    await committer.close();
  });
});
