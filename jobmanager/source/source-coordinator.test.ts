import { describe, expect, it } from 'vitest';
import {
  Boundedness,
  type Source,
  type SplitEnumerator,
  type SplitEnumeratorContext,
} from '../../api/connector/source.js';
import type { FreshetError } from '../../common/errors/freshet-error.js';
import { TestingSchedulerTimer } from '../scheduler/testing-scheduler-timer.js';
import { decodeEnumeratorCheckpoint, encodeEnumeratorCheckpoint } from './enumerator-checkpoint-codec.js';
import { SourceCoordinator } from './source-coordinator.js';

/** Lets the coordinator's loop run everything queued (promise continuations only, no timers). */
const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface State {
  readonly pending: string[];
}

/** An enumerator that hands out its pending splits on request and records what it was told. */
class ScriptedEnumerator implements SplitEnumerator<string, State> {
  readonly calls: string[] = [];
  failOn: string | undefined;

  constructor(
    readonly context: SplitEnumeratorContext<string>,
    readonly pending: string[],
  ) {}

  start(): void {
    this.calls.push('start');
  }
  handleSplitRequest(subtaskId: number): void {
    this.calls.push(`request ${subtaskId}`);
    if (this.failOn === 'request') throw new Error('request went wrong');
    const next = this.pending.shift();
    if (next !== undefined) this.context.assignSplit(next, subtaskId);
    else this.context.signalNoMoreSplits(subtaskId);
  }
  addSplitsBack(splits: string[], subtaskId: number): void {
    this.calls.push(`back ${subtaskId} ${splits.join(',')}`);
    this.pending.unshift(...splits);
  }
  addReader(subtaskId: number): void {
    this.calls.push(`reader ${subtaskId}`);
  }
  snapshotState(checkpointId: number): State {
    this.calls.push(`snapshot ${checkpointId}`);
    if (this.failOn === 'snapshot') throw new Error('no snapshot today');
    return { pending: [...this.pending] };
  }
  notifyCheckpointComplete(checkpointId: number): void {
    this.calls.push(`complete ${checkpointId}`);
  }
  handleSourceEvent(subtaskId: number, event: unknown): void {
    this.calls.push(`event ${subtaskId} ${JSON.stringify(event)}`);
    this.context.sendEventToSourceReader(subtaskId, { echo: event });
  }
  close(): void {
    this.calls.push('close');
  }
}

class Harness {
  readonly timer = new TestingSchedulerTimer();
  /** Everything the coordinator output, in order. */
  readonly log: string[] = [];
  readonly states = new Map<number, Uint8Array>();
  readonly failures: FreshetError[] = [];
  enumerators: ScriptedEnumerator[] = [];
  readonly coordinator: SourceCoordinator;

  constructor(
    options: {
      readonly createEnumerator?: Source<unknown, string, State>['createEnumerator'];
      /** A source without restoreEnumerator. */
      readonly withoutRestore?: boolean;
    } = {},
    parallelism = 2,
  ) {
    const restore: Source<unknown, string, State>['restoreEnumerator'] = (context, state) =>
      this.track(new ScriptedEnumerator(context, [...state.pending]));
    const full: Source<unknown, string, State> = {
      getBoundedness: () => Boundedness.BOUNDED,
      createReader: () => {
        throw new Error('not used');
      },
      createEnumerator:
        options.createEnumerator ??
        ((context) => this.track(new ScriptedEnumerator(context, ['s1', 's2', 's3']))),
      ...(options.withoutRestore === true ? {} : { restoreEnumerator: restore }),
    };
    this.coordinator = new SourceCoordinator({
      operatorName: 'Source: scripted',
      source: full,
      parallelism,
      configuration: { 'pipeline.name': 'x' },
      timer: this.timer,
      outputs: {
        sendEvent: (subtask, event) => this.log.push(`to ${subtask}: ${JSON.stringify(event)}`),
        checkpointTaken: (checkpointId, state) => {
          this.states.set(checkpointId, state);
          this.log.push(`checkpoint ${checkpointId}`);
        },
        checkpointFailed: (checkpointId, error) =>
          this.log.push(`checkpoint ${checkpointId} failed: ${error.message}`),
        failJob: (error) => this.failures.push(error),
      },
    });
  }

  get enumerator(): ScriptedEnumerator {
    return this.enumerators.at(-1)!;
  }

  register(subtask: number): void {
    this.coordinator.handleEventFromOperator(subtask, { type: 'reader-registration', subtaskId: subtask });
  }

  request(subtask: number): void {
    this.coordinator.handleEventFromOperator(subtask, { type: 'request-split', subtaskId: subtask });
  }

  private track(enumerator: ScriptedEnumerator): ScriptedEnumerator {
    this.enumerators.push(enumerator);
    return enumerator;
  }
}

describe('SourceCoordinator', () => {
  it('runs registrations and split requests through the enumerator, events out in order', async () => {
    const h = new Harness();
    h.coordinator.start(undefined);
    h.register(0);
    h.register(1);
    h.request(1);
    h.request(0);
    h.coordinator.handleEventFromOperator(0, { type: 'source-event', event: { lag: 3 } });
    await drain();
    expect(h.enumerator.calls).toEqual([
      'start',
      'reader 0',
      'reader 1',
      'request 1',
      'request 0',
      'event 0 {"lag":3}',
    ]);
    expect(h.log).toEqual([
      'to 1: {"type":"add-splits","splits":["s1"]}',
      'to 0: {"type":"add-splits","splits":["s2"]}',
      'to 0: {"type":"source-event","event":{"echo":{"lag":3}}}',
    ]);
  });

  it('reports a checkpoint in order with the events, and gives back only splits assigned after it', async () => {
    const h = new Harness();
    h.coordinator.start(undefined);
    h.register(0);
    h.register(1);
    h.request(0);
    h.coordinator.checkpoint(1);
    h.request(1);
    h.request(0);
    await drain();
    expect(h.log).toEqual([
      'to 0: {"type":"add-splits","splits":["s1"]}',
      'checkpoint 1',
      'to 1: {"type":"add-splits","splits":["s2"]}',
      'to 0: {"type":"add-splits","splits":["s3"]}',
    ]);
    expect(decodeEnumeratorCheckpoint(h.states.get(1)!)).toEqual({ pending: ['s2', 's3'] });

    // Both subtasks restart from checkpoint 1: s1 is in subtask 0's checkpointed reader state.
    h.coordinator.subtaskReset(1);
    await drain();
    expect(h.enumerator.calls.filter((c) => c.startsWith('back'))).toEqual(['back 0 s3', 'back 1 s2']);
    // The readers are unregistered until their new attempts register.
    h.request(0);
    await drain();
    expect(h.failures.map((f) => f.message)).toEqual([
      "the split enumerator of 'Source: scripted' failed: the split enumerator of 'Source: scripted' tried to assign splits to subtask 0, whose reader is not registered; assign only to the subtasks in registeredReaders()",
    ]);
  });

  it('forgets assignments once their checkpoint completed, and tells the enumerator', async () => {
    const h = new Harness();
    h.coordinator.start(undefined);
    h.register(0);
    h.request(0);
    h.coordinator.checkpoint(1);
    h.request(0);
    h.coordinator.checkpoint(2);
    h.coordinator.notifyCheckpointComplete(2);
    h.coordinator.subtaskReset(2);
    await drain();
    expect(h.enumerator.calls).toContain('complete 2');
    expect(h.enumerator.calls.filter((c) => c.startsWith('back'))).toEqual([]);
  });

  it('runs callAsync handlers on its loop, periodically on the injected timer', async () => {
    const discovered: string[] = [];
    let n = 0;
    const h = new Harness({
      createEnumerator: (context) => {
        const enumerator = new ScriptedEnumerator(context, []);
        enumerator.start = () =>
          context.callAsync(
            () => Promise.resolve(`split-${n++}`),
            (split) => discovered.push(split!),
            100,
            1_000,
          );
        return enumerator;
      },
    });
    h.coordinator.start(undefined);
    await drain();
    h.timer.advance(99);
    await drain();
    expect(discovered).toEqual([]);
    h.timer.advance(1);
    await drain();
    expect(discovered).toEqual(['split-0']);
    h.timer.advance(1_000);
    await drain();
    h.timer.advance(1_000);
    await drain();
    expect(discovered).toEqual(['split-0', 'split-1', 'split-2']);
    await h.coordinator.close();
    h.timer.advance(10_000);
    await drain();
    expect(discovered).toHaveLength(3);
  });

  it('fails the job once, naming the operator, when the enumerator throws', async () => {
    const h = new Harness();
    h.coordinator.start(undefined);
    h.register(0);
    await drain();
    h.enumerator.failOn = 'request';
    h.request(0);
    h.request(0);
    await drain();
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]!.code).toBe('SPLIT_ENUMERATOR_FAILED');
    expect(h.failures[0]!.message).toBe(
      "the split enumerator of 'Source: scripted' failed: request went wrong",
    );
  });

  it('reports a failed snapshot as a failed checkpoint (the job goes on)', async () => {
    const h = new Harness();
    h.coordinator.start(undefined);
    await drain();
    h.enumerator.failOn = 'snapshot';
    h.coordinator.checkpoint(4);
    await drain();
    expect(h.log).toEqual([
      "checkpoint 4 failed: the split enumerator of 'Source: scripted' failed in snapshotState: no snapshot today",
    ]);
    expect(h.failures).toEqual([]);
  });

  it('restores the enumerator from its checkpoint bytes', async () => {
    const h = new Harness();
    h.coordinator.start(encodeEnumeratorCheckpoint({ pending: ['s7', 's8'] }, 'x'));
    h.register(1);
    h.request(1);
    await drain();
    expect(h.log).toEqual(['to 1: {"type":"add-splits","splits":["s7"]}']);
  });

  it('refuses to restore a source without restoreEnumerator', async () => {
    const h = new Harness({ withoutRestore: true });
    h.coordinator.start(encodeEnumeratorCheckpoint({ pending: [] }, 'x'));
    await drain();
    expect(h.failures.map((f) => f.message)).toEqual([
      "the split enumerator of 'Source: scripted' failed: the checkpoint holds split enumerator state of 'Source: scripted', but its source has no restoreEnumerator(context, checkpoint) to restore it with",
    ]);
  });

  it('closes the enumerator', async () => {
    const h = new Harness();
    h.coordinator.start(undefined);
    await h.coordinator.close();
    expect(h.enumerator.calls).toEqual(['start', 'close']);
  });
});
