import { describe, expect, it } from 'vitest';
import type { Sink, SinkWriter, TwoPhaseCommittingSink } from '../../api/connector/sink.js';
import { TestingSinkInitContext } from '../../connectors/testing/testing-sink-init-context.js';
import { SinkWriterOperator } from './sink-writer-operator.js';
import type { OperatorContext } from './stream-operator.js';

/** A plain (not two-phase) writer that buffers until flushed; its flush completes when released. */
class BufferingWriter implements SinkWriter<number> {
  readonly buffered: number[] = [];
  readonly flushed: number[] = [];
  readonly flushCalls: boolean[] = [];
  release: () => void = () => {};

  write(element: number): void {
    this.buffered.push(element);
  }

  flush(endOfInput: boolean): Promise<void> {
    this.flushCalls.push(endOfInput);
    const batch = this.buffered.splice(0);
    return new Promise((resolve) => {
      this.release = () => {
        this.flushed.push(...batch);
        resolve();
      };
    });
  }

  close(): void {}
}

function operatorFor(writer: BufferingWriter): SinkWriterOperator {
  const sink: Sink<number> = { createWriter: () => writer };
  const ctx = { output: {} } as unknown as OperatorContext;
  return new SinkWriterOperator(ctx, sink, new TestingSinkInitContext());
}

describe('SinkWriterOperator with an at-least-once writer', () => {
  it('flushes at the barrier and acknowledges the checkpoint only after the flush finished', async () => {
    const writer = new BufferingWriter();
    const operator = operatorFor(writer);
    await operator.open();
    operator.processElement(1, undefined);
    operator.processElement(2, undefined);

    const lists = operator.snapshotState(1);
    expect(writer.flushCalls).toEqual([false]);
    const values = Object.values(lists).map((list) => list.values);
    expect(values).toHaveLength(1);
    let acknowledged = false;
    const snapshot = Promise.resolve(values[0]).then((v) => {
      acknowledged = true;
      return v;
    });
    operator.processElement(3, undefined); // after the barrier: not part of this flush
    await Promise.resolve();
    expect(acknowledged).toBe(false);

    writer.release();
    expect(await snapshot).toEqual([]);
    expect(acknowledged).toBe(true);
    expect(writer.flushed).toEqual([1, 2]);
    expect(writer.buffered).toEqual([3]);
  });
});

describe('SinkWriterOperator with a two-phase writer', () => {
  it('keeps committables in later checkpoints until their commit succeeded', async () => {
    let prepared = 0;
    let failCommits = true;
    const committed: unknown[] = [];
    const sink: TwoPhaseCommittingSink<number, string> = {
      createWriter: () => ({
        write() {},
        flush() {},
        close() {},
        prepareCommit: () => [`txn-${++prepared}`],
      }),
      createCommitter: () => ({
        commit: (committables) => {
          if (failCommits) return Promise.reject(new Error('commit cut short'));
          committed.push(...committables);
          return Promise.resolve();
        },
      }),
    };
    const ctx = { output: {} } as unknown as OperatorContext;
    const operator = new SinkWriterOperator(ctx, sink, new TestingSinkInitContext());
    await operator.open();

    operator.snapshotState(1);
    await expect(operator.notifyCheckpointComplete(1)).rejects.toThrow(/cut short/);
    const second = operator.snapshotState(2);
    expect(await second['committables']!.values).toEqual(['txn-1', 'txn-2']);

    failCommits = false;
    await operator.notifyCheckpointComplete(2);
    expect(committed).toEqual(['txn-1', 'txn-2']);
    const third = operator.snapshotState(3);
    expect(await third['committables']!.values).toEqual(['txn-3']);
  });
});
