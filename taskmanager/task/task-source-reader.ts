/**
 * A source task's reader as its task loop drives it (the reader half of Flink's SourceOperator):
 * the connector's SourceReader, plus the events its coordinator on the JobManager sends (split
 * assignments, the end of splits, source events). The reader registers with its coordinator when
 * the task loop first turns to it (what the reader sends before waits for that, in order), so every
 * answer finds the task's loop ready for it. Events arrive between polls (an RPC) and are queued; they reach
 * the reader at its next poll, in the order they came, so a stop-with-savepoint requested before
 * them takes its snapshot before they apply. A queued event also wakes a loop that waits for the
 * reader.
 */
import type { InputStatus, ReaderOutput, SourceReader } from '../../api/connector/source.js';
import { assertNever } from '../../common/errors/freshet-error.js';
import type {
  ReaderRegistrationEvent,
  SourceCoordinatorEvent,
  SourceReaderEvent,
} from '../../common/protocol/operator-events.js';

/** What the task's loop needs of its reader. */
export interface TaskSourceReader {
  pollNext(output: ReaderOutput<unknown>): InputStatus;
  isAvailable(): Promise<void>;
  snapshotState(checkpointId: number): unknown[];
  close(): Promise<void>;
  /** An event of the source's coordinator for this subtask's reader. */
  dispatchOperatorEvent(operatorId: string, event: SourceCoordinatorEvent): void;
}

/** What a reader sends its coordinator: held until the reader registered, then in order. */
export class CoordinatorOutbox {
  private held: SourceReaderEvent[] | undefined = [];

  constructor(
    private readonly registration: ReaderRegistrationEvent,
    private readonly sendNow: (event: SourceReaderEvent) => void,
  ) {}

  send(event: SourceReaderEvent): void {
    if (this.held === undefined) this.sendNow(event);
    else this.held.push(event);
  }

  /** Registers the reader (once), then sends what waited for it. */
  register(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    this.sendNow(this.registration);
    for (const event of held) this.sendNow(event);
  }
}

export class CoordinatedSourceReader implements TaskSourceReader {
  private readonly inbox: SourceCoordinatorEvent[] = [];
  private wake: (() => void) | undefined;
  private eventArrived: Promise<void> | undefined;

  constructor(
    private readonly reader: SourceReader<unknown, unknown>,
    private readonly operatorId: string,
    private readonly outbox: CoordinatorOutbox,
  ) {}

  dispatchOperatorEvent(operatorId: string, event: SourceCoordinatorEvent): void {
    if (operatorId !== this.operatorId) return;
    this.inbox.push(event);
    const wake = this.wake;
    this.wake = undefined;
    this.eventArrived = undefined;
    wake?.();
  }

  pollNext(output: ReaderOutput<unknown>): InputStatus {
    this.outbox.register();
    this.applyEvents();
    return this.reader.pollNext(output);
  }

  isAvailable(): Promise<void> {
    this.outbox.register();
    if (this.inbox.length > 0) return Promise.resolve();
    this.eventArrived ??= new Promise((resolve) => (this.wake = resolve));
    return Promise.race([this.reader.isAvailable(), this.eventArrived]);
  }

  snapshotState(checkpointId: number): unknown[] {
    return this.reader.snapshotState(checkpointId);
  }

  async close(): Promise<void> {
    this.wake?.();
    await this.reader.close?.();
  }

  private applyEvents(): void {
    for (let event = this.inbox.shift(); event !== undefined; event = this.inbox.shift()) {
      switch (event.type) {
        case 'add-splits':
          this.reader.addSplits([...event.splits]);
          break;
        case 'no-more-splits':
          this.reader.notifyNoMoreSplits();
          break;
        case 'source-event':
          this.reader.handleSourceEvents?.(event.event);
          break;
        default:
          assertNever(event, 'source coordinator event');
      }
    }
  }
}

/** A reader of static splits: it has them all from the start and takes no events. */
export class StaticSourceReader implements TaskSourceReader {
  constructor(private readonly reader: SourceReader<unknown, unknown>) {}

  pollNext(output: ReaderOutput<unknown>): InputStatus {
    return this.reader.pollNext(output);
  }

  isAvailable(): Promise<void> {
    return this.reader.isAvailable();
  }

  snapshotState(checkpointId: number): unknown[] {
    return this.reader.snapshotState(checkpointId);
  }

  async close(): Promise<void> {
    await this.reader.close?.();
  }

  dispatchOperatorEvent(): void {}
}
