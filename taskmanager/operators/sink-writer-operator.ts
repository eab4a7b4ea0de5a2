/**
 * Runs a Sink's writer at the end of a chain (Flink's SinkWriterOperator, with the committer of a
 * two-phase sink folded in). For a TwoPhaseCommittingSink under checkpointing: at each barrier the
 * writer prepares committables, which go into the checkpoint with every committable not committed
 * yet; when the checkpoint completes they are committed. On restore, the committables of the
 * checkpoint are committed again first (committers are idempotent), and the writer gets its state.
 */
import {
  isTwoPhaseCommittingSink,
  type Committer,
  type PrecommittingSinkWriter,
  type Sink,
  type SinkInitContext,
  type SinkWriter,
  type SinkWriterContext,
} from '../../api/connector/sink.js';
import type { OperatorListStates } from '../checkpoint/operator-snapshot.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { OperatorContext } from './stream-operator.js';

const COMMITTABLES = 'committables';
const WRITER_STATE = 'writer-state';
/** An always empty list whose snapshot waits for a plain writer's flush at the barrier. */
const FLUSHED = 'writer-flushed';

export class SinkWriterOperator extends AbstractStreamOperator implements SinkWriterContext {
  private writer: SinkWriter<unknown> | undefined;
  private committer: Committer<unknown> | undefined;
  /** Committables by the checkpoint they were prepared for, not committed yet. */
  private readonly pending = new Map<number, Promise<readonly unknown[]>>();
  private recoveredCommittables: readonly unknown[] = [];
  private recoveredWriterState: readonly unknown[] = [];
  timestamp: number | undefined = undefined;

  constructor(
    ctx: OperatorContext,
    private readonly sink: Sink<unknown>,
    private readonly initContext: SinkInitContext,
  ) {
    super(ctx);
  }

  initializeState(lists: Readonly<Record<string, readonly unknown[]>>): void {
    this.recoveredCommittables = lists[COMMITTABLES] ?? [];
    this.recoveredWriterState = lists[WRITER_STATE] ?? [];
  }

  override async open(): Promise<void> {
    const sink = this.sink;
    if (isTwoPhaseCommittingSink(sink)) {
      this.committer = await sink.createCommitter(this.initContext);
      if (this.recoveredCommittables.length > 0) {
        await this.committer.commit([...this.recoveredCommittables]);
        this.recoveredCommittables = [];
      }
      this.writer = await sink.createWriter(this.initContext, [...this.recoveredWriterState]);
    } else {
      this.writer = await sink.createWriter(this.initContext);
    }
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    this.timestamp = timestamp;
    try {
      this.writer!.write(value, this);
    } catch (error) {
      throw this.fail(error);
    }
  }

  override processWatermark(timestamp: number): void {
    this.inputWatermark = timestamp;
  }

  override processWatermarkStatus(): void {}

  currentWatermark(): number {
    return this.inputWatermark;
  }

  snapshotState(checkpointId: number): OperatorListStates {
    if (this.writer === undefined) return {};
    if (this.committer === undefined) {
      // At-least-once (Flink's flush on checkpoint): what was written before the barrier is
      // flushed, and the checkpoint is acknowledged only once the flush has finished.
      const flushed = Promise.resolve(this.writer.flush(false)).then((): unknown[] => []);
      return { [FLUSHED]: { mode: 'split', values: flushed } };
    }
    const writer = this.writer as PrecommittingSinkWriter<unknown, unknown, unknown>;
    // Called synchronously: the writer cuts its part now; records after this go to the next one.
    const prepared = Promise.resolve(writer.prepareCommit(checkpointId));
    this.pending.set(checkpointId, prepared);
    const uncommitted = [...this.pending.values()];
    return {
      [COMMITTABLES]: {
        mode: 'split',
        values: Promise.all(uncommitted).then((lists) => lists.flat()),
      },
      [WRITER_STATE]: { mode: 'split', values: writer.snapshotState?.(checkpointId) ?? [] },
    };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.committer === undefined) return;
    const ready: Promise<readonly unknown[]>[] = [];
    const ids: number[] = [];
    for (const [id, committables] of this.pending) {
      if (id > checkpointId) continue;
      ready.push(committables);
      ids.push(id);
    }
    if (ready.length === 0) return;
    const committables = (await Promise.all(ready)).flat();
    if (committables.length > 0) await this.committer.commit(committables);
    // Forgotten only once committed: until then every checkpoint carries them again, so a commit
    // cut short by a crash is retried by the restored subtask.
    for (const id of ids) this.pending.delete(id);
  }

  override async endInput(): Promise<void> {
    await this.writer?.flush(true);
  }

  override async close(): Promise<void> {
    try {
      await this.writer?.close();
    } finally {
      await this.committer?.close?.();
    }
  }
}
