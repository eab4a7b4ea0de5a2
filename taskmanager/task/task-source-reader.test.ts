import { describe, expect, it } from 'vitest';
import { InputStatus, type SourceReader } from '../../api/connector/source.js';
import type { SourceReaderEvent } from '../../common/protocol/operator-events.js';
import { TestingReaderOutput } from '../../connectors/testing/testing-reader-output.js';
import { CoordinatedSourceReader, CoordinatorOutbox } from './task-source-reader.js';

/** A reader that records what it is told and never has records. */
function recordingReader(): SourceReader<unknown, unknown> & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    addSplits: (splits) => calls.push(`add ${JSON.stringify(splits)}`),
    notifyNoMoreSplits: () => calls.push('no more'),
    handleSourceEvents: (event) => calls.push(`event ${JSON.stringify(event)}`),
    pollNext: () => {
      calls.push('poll');
      return InputStatus.NOTHING_AVAILABLE;
    },
    isAvailable: () => new Promise<void>(() => {}),
    snapshotState: () => [],
  };
}

function setUp() {
  const sent: SourceReaderEvent[] = [];
  const outbox = new CoordinatorOutbox({ type: 'reader-registration', subtaskId: 1 }, (event) =>
    sent.push(event),
  );
  const reader = recordingReader();
  return { sent, outbox, reader, task: new CoordinatedSourceReader(reader, 'op', outbox) };
}

describe('CoordinatedSourceReader', () => {
  it('registers when the loop first turns to it; what the reader sent before follows, in order', () => {
    const { sent, outbox, task } = setUp();
    outbox.send({ type: 'request-split', subtaskId: 1 });
    expect(sent).toEqual([]);
    task.pollNext(new TestingReaderOutput());
    outbox.send({ type: 'source-event', event: 'x' });
    expect(sent).toEqual([
      { type: 'reader-registration', subtaskId: 1 },
      { type: 'request-split', subtaskId: 1 },
      { type: 'source-event', event: 'x' },
    ]);
  });

  it('applies coordinator events at the next poll, in order, and ignores other operators', () => {
    const { reader, task } = setUp();
    task.dispatchOperatorEvent('op', { type: 'add-splits', splits: ['s1'] });
    task.dispatchOperatorEvent('other', { type: 'add-splits', splits: ['nope'] });
    task.dispatchOperatorEvent('op', { type: 'source-event', event: { n: 1 } });
    task.dispatchOperatorEvent('op', { type: 'no-more-splits' });
    expect(reader.calls).toEqual([]);
    task.pollNext(new TestingReaderOutput());
    expect(reader.calls).toEqual(['add ["s1"]', 'event {"n":1}', 'no more', 'poll']);
  });

  it('wakes a loop waiting for the reader when an event arrives', async () => {
    const { task } = setUp();
    let woke = false;
    const waiting = task.isAvailable().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    task.dispatchOperatorEvent('op', { type: 'add-splits', splits: ['s'] });
    await waiting;
    expect(woke).toBe(true);
    // With an event queued, it is available at once.
    task.dispatchOperatorEvent('op', { type: 'no-more-splits' });
    await task.isAvailable();
  });
});
