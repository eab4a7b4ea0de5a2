/**
 * The operators of one task, wired as direct calls (Flink's OperatorChain). Built tail first so
 * every operator's outputs exist when it is created: chained successors are called directly,
 * network outputs go to record writers. Errors thrown by an operator carry its name.
 */
import type { SinkInitContext } from '../../api/connector/sink.js';
import type { ChainedOperator, JobVertex } from '../../api/graph/job-graph.js';
import type { StreamGraph } from '../../api/graph/stream-graph.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../common/key-groups.js';
import { createOperator } from '../operators/operator-factory.js';
import { OperatorOutput, type RecordTarget } from '../operators/output.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import type { RecordWriter } from '../network/partition/record-writer.js';
import { HeapKeyedStateBackend } from '../state/heap/heap-keyed-state-backend.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import { StreamingRuntimeContext, type TaskInfo } from './streaming-runtime-context.js';
import { attributeToOperator } from './user-code-error.js';

class GuardedTarget implements RecordTarget {
  constructor(
    private readonly operator: StreamOperator,
    private readonly name: string,
  ) {}

  processElement(value: unknown, timestamp: number | undefined): void {
    try {
      this.operator.processElement(value, timestamp);
    } catch (error) {
      throw attributeToOperator(error, this.name);
    }
  }
}

class RecordWriterTarget implements RecordTarget {
  constructor(private readonly writer: RecordWriter) {}
  processElement(value: unknown, timestamp: number | undefined): void {
    this.writer.emit(value, timestamp);
  }
}

export interface OperatorChainOptions {
  readonly vertex: JobVertex;
  readonly streamGraph: StreamGraph;
  readonly task: TaskInfo;
  readonly recordWriters: readonly RecordWriter[];
  readonly clock: () => number;
  readonly sinkContext: (operator: ChainedOperator) => SinkInitContext;
}

export class OperatorChain {
  /** Head first, as in the vertex. */
  readonly operators: StreamOperator[];
  readonly head: RecordTarget;
  private readonly backends: KeyedStateBackend[] = [];
  private readonly names: string[];

  constructor(options: OperatorChainOptions) {
    const { vertex, streamGraph, task } = options;
    this.names = vertex.operators.map((op) => op.name);
    const built = new Array<StreamOperator | undefined>(vertex.operators.length);
    const targets = new Array<RecordTarget | undefined>(vertex.operators.length);
    for (let index = vertex.operators.length - 1; index >= 0; index--) {
      const config = vertex.operators[index]!;
      const node = streamGraph.nodes.get(config.nodeId)!;
      const main: RecordTarget[] = [];
      const side = new Map<string, RecordTarget[]>();
      const route = (tag: string | undefined, target: RecordTarget): void => {
        if (tag === undefined) main.push(target);
        else side.set(tag, [...(side.get(tag) ?? []), target]);
      };
      for (const out of config.chainedOutputs) route(out.outputTag, targets[out.operatorIndex]!);
      for (const dataSetIndex of config.networkOutputs) {
        route(
          vertex.producedDataSets[dataSetIndex]!.outputTag,
          new RecordWriterTarget(options.recordWriters[dataSetIndex]!),
        );
      }
      const backend = config.keyed
        ? new HeapKeyedStateBackend({
            keyGroupRange: computeKeyGroupRangeForOperatorIndex(
              task.maxParallelism,
              task.parallelism,
              task.subtaskIndex,
            ),
            maxParallelism: task.maxParallelism,
          })
        : undefined;
      if (backend !== undefined) this.backends.push(backend);
      const keySelector = node.stateKeySelector as ((value: unknown) => unknown) | undefined;
      const operator = createOperator(
        node.operator,
        {
          operatorName: config.name,
          output: new OperatorOutput(main, side),
          runtimeContext: new StreamingRuntimeContext(task, config.name, backend),
          keyedStateBackend: backend,
          stateKeySelector: keySelector,
          currentProcessingTime: options.clock,
        },
        () => options.sinkContext(config),
      );
      built[index] = operator;
      targets[index] = new GuardedTarget(operator, config.name);
    }
    this.operators = built as StreamOperator[];
    this.head = targets[0]!;
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
    for (let i = 0; i < this.operators.length; i++) await this.guard(i, () => this.operators[i]!.close());
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
