/**
 * The operators of one task, wired as direct calls (Flink's OperatorChain). Built tail first so
 * every operator's outputs exist when it is created: chained successors are called directly,
 * network outputs go to record writers (watermarks as in-band events). Every operator gets its
 * own copy of its user function, as each parallel instance does in Flink.
 */
import type { SinkInitContext } from '../../api/connector/sink.js';
import type { ChainedOperator, JobVertex } from '../../api/graph/job-graph.js';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import type { WatermarkStatus } from '../../api/watermark/watermark-status.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../common/key-groups.js';
import type { RecordWriter } from '../network/partition/record-writer.js';
import { createOperator } from '../operators/operator-factory.js';
import { createOutput, type RecordTarget } from '../operators/output.js';
import type { ProcessingTimeService } from '../operators/processing-time-service.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import { HeapKeyedStateBackend } from '../state/heap/heap-keyed-state-backend.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { encodeKeyGroupSections, encodeKeyGroupSectionsAsync } from '../checkpoint/keyed-state-sections.js';
import type { OperatorSnapshot, RestoredOperatorState } from '../checkpoint/operator-snapshot.js';
import type { KeyedTimerService } from '../operators/keyed-timer-service.js';
import { StreamingRuntimeContext, type TaskInfo } from './streaming-runtime-context.js';
import { attributeToOperator } from './user-code-error.js';
import type { KeyedStateBackendFactory } from './keyed-state-backends.js';

class RecordWriterTarget implements RecordTarget {
  constructor(private readonly writer: RecordWriter) {}
  processElement(value: unknown, timestamp: number | undefined): void {
    this.writer.emit(value, timestamp);
  }
  processWatermark(timestamp: number): void {
    this.writer.broadcastEvent({ type: 'watermark', timestamp });
  }
  processWatermarkStatus(status: WatermarkStatus): void {
    this.writer.broadcastEvent({ type: 'watermark-status', status });
  }
}

export interface OperatorChainOptions {
  readonly vertex: JobVertex;
  readonly streamGraph: StreamGraph;
  readonly task: TaskInfo;
  readonly recordWriters: readonly RecordWriter[];
  readonly processingTimeService: ProcessingTimeService;
  readonly autoWatermarkInterval: number;
  readonly sinkContext: (operator: ChainedOperator) => SinkInitContext;
  /** The keyed operators' backend (the heap backend when absent). */
  readonly createKeyedStateBackend?: KeyedStateBackendFactory;
}

const heapBackend: KeyedStateBackendFactory = (keyGroupRange, maxParallelism) =>
  new HeapKeyedStateBackend({ keyGroupRange, maxParallelism });

export class OperatorChain {
  /** Head first, as in the vertex. */
  readonly operators: StreamOperator[];
  private readonly backends: KeyedStateBackend[] = [];
  private closed = false;
  /** Per operator (head first): its keyed state backend and timer services, when keyed. */
  private readonly keyedParts: ({ backend: KeyedStateBackend; timers: KeyedTimerService[] } | undefined)[];
  private readonly operatorIds: string[];
  private readonly names: string[];

  constructor(options: OperatorChainOptions) {
    const { vertex, streamGraph, task } = options;
    this.names = vertex.operators.map((op) => op.name);
    this.operatorIds = vertex.operators.map((op) => op.operatorId);
    this.keyedParts = new Array<{ backend: KeyedStateBackend; timers: KeyedTimerService[] } | undefined>(
      vertex.operators.length,
    );
    const built = new Array<StreamOperator | undefined>(vertex.operators.length);
    for (let index = vertex.operators.length - 1; index >= 0; index--) {
      const config = vertex.operators[index]!;
      const node = streamGraph.nodes.get(config.nodeId)!;
      const main: RecordTarget[] = [];
      const side = new Map<string, RecordTarget[]>();
      const route = (tag: string | undefined, target: RecordTarget): void => {
        if (tag === undefined) main.push(target);
        else side.set(tag, [...(side.get(tag) ?? []), target]);
      };
      for (const out of config.chainedOutputs) route(out.outputTag, built[out.operatorIndex]!);
      for (const dataSetIndex of config.networkOutputs) {
        route(
          vertex.producedDataSets[dataSetIndex]!.outputTag,
          new RecordWriterTarget(options.recordWriters[dataSetIndex]!),
        );
      }
      const backend = config.keyed
        ? (options.createKeyedStateBackend ?? heapBackend)(
            computeKeyGroupRangeForOperatorIndex(task.maxParallelism, task.parallelism, task.subtaskIndex),
            task.maxParallelism,
          )
        : undefined;
      const timerServices: KeyedTimerService[] = [];
      if (backend !== undefined) {
        this.backends.push(backend);
        this.keyedParts[index] = { backend, timers: timerServices };
      }
      built[index] = createOperator(
        node.operator,
        {
          operatorName: config.name,
          output: createOutput(main, side),
          runtimeContext: new StreamingRuntimeContext(task, config.name, backend),
          keyedStateBackend: backend,
          stateKeySelector: node.stateKeySelector as ((value: unknown) => unknown) | undefined,
          stateKeySelector2: node.stateKeySelector2 as ((value: unknown) => unknown) | undefined,
          processingTimeService: options.processingTimeService,
          autoWatermarkInterval: options.autoWatermarkInterval,
          timerServices,
        },
        () => options.sinkContext(config),
      );
    }
    this.operators = built as StreamOperator[];
  }

  get head(): StreamOperator {
    return this.operators[0]!;
  }

  /** Opens operators tail first, so a successor is ready before its predecessor emits. */
  async open(): Promise<void> {
    for (let i = this.operators.length - 1; i >= 0; i--) await this.guard(i, () => this.operators[i]!.open());
  }

  /** Ends input head first: each operator flushes into successors that are still open. */
  async endInput(): Promise<void> {
    for (let i = 0; i < this.operators.length; i++) await this.guard(i, () => this.operators[i]!.endInput());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (let i = 0; i < this.operators.length; i++) await this.guard(i, () => this.operators[i]!.close());
  }

  /**
   * After a failure or a cancellation (Flink closes operators either way): closes every operator
   * not closed yet, so writers release their connections and open transactions. Errors are
   * returned, not thrown: the task's own failure stays the cause.
   */
  async closeAfterFailure(): Promise<unknown[]> {
    if (this.closed) return [];
    this.closed = true;
    const errors: unknown[] = [];
    for (let i = 0; i < this.operators.length; i++) {
      const closing = this.guard(i, () => this.operators[i]!.close());
      await withDeadline(closing, CLOSE_AFTER_FAILURE_TIMEOUT_MS).catch((error: unknown) =>
        errors.push(error),
      );
    }
    return errors;
  }

  /**
   * The synchronous part of a checkpoint: every operator's keyed state and timers, encoded per key
   * group, and its list states. Runs between records, so the snapshot is consistent.
   */
  snapshotState(checkpointId: number): OperatorSnapshot[] {
    return this.operators.map((operator, index) => {
      const operatorId = this.operatorIds[index]!;
      const keyedPart = this.keyedParts[index];
      const lists = operator.snapshotState?.(checkpointId);
      const keyed = keyedPart === undefined ? undefined : snapshotKeyedPart(keyedPart);
      return {
        operatorId,
        ...(keyed === undefined ? {} : { keyed }),
        ...(lists === undefined ? {} : { lists }),
      };
    });
  }

  /** Loads restored state into each operator (before `open`). */
  initializeState(restored: ReadonlyMap<string, RestoredOperatorState>): void {
    this.operators.forEach((operator, index) => {
      const state = restored.get(this.operatorIds[index]!);
      if (state === undefined) return;
      const keyedPart = this.keyedParts[index];
      if (keyedPart !== undefined) {
        for (const part of state.keyed) {
          keyedPart.backend.restore(part.state);
          part.timers.forEach((timers, i) =>
            keyedPart.timers[i]?.restore(timers, keyedPart.backend.keyGroupRange),
          );
        }
      }
      operator.initializeState?.(state.lists);
    });
  }

  /** Head first, as Flink notifies the operators of a chain. */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    for (let i = 0; i < this.operators.length; i++) {
      const operator = this.operators[i]!;
      if (operator.notifyCheckpointComplete !== undefined)
        await this.guard(i, () => operator.notifyCheckpointComplete!(checkpointId));
    }
  }

  notifyCheckpointAborted(checkpointId: number): void {
    for (const operator of this.operators) operator.notifyCheckpointAborted?.(checkpointId);
  }

  dispose(): void {
    for (const backend of this.backends) backend.dispose();
  }

  private async guard(index: number, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      throw attributeToOperator(error, this.names[index]!);
    }
  }
}

/**
 * Keyed state and timers, cut now: encoded at once on the heap backend; on RocksDB the timers are
 * taken now and the state is read from the RocksDB snapshot in the asynchronous part.
 */
function snapshotKeyedPart(part: {
  backend: KeyedStateBackend;
  timers: KeyedTimerService[];
}): OperatorSnapshot['keyed'] {
  const { backend } = part;
  const range = backend.keyGroupRange;
  const timers = part.timers.map((service) => service.timers.snapshot());
  if (backend.snapshotAsync !== undefined) {
    const sections = encodeKeyGroupSectionsAsync(range, backend.snapshotAsync(), timers);
    // Read at once; a checkpoint abandoned meanwhile (the task cancelled) must not leave its
    // failure unhandled. Whoever writes the snapshot awaits the same promise and sees it.
    sections.catch(() => undefined);
    return { range, sections };
  }
  return { range, sections: encodeKeyGroupSections(range, backend.snapshot(), timers) };
}

/** How long one operator may take to close after a failure before the task moves on. */
const CLOSE_AFTER_FAILURE_TIMEOUT_MS = 10_000;

function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`operator did not close within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
