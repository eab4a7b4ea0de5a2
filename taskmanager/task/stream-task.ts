/**
 * One subtask (Flink's StreamTask): builds its operator chain, record writers and input gate, then
 * runs a single-threaded loop — pull a buffer (or poll the source), push its records through the
 * chain — that waits whenever the outputs have no room (backpressure) or the input is empty, and
 * yields to the event loop every few milliseconds so credits, timers and control messages run
 * between buffers, never in the middle of one.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SourceReader } from '../../api/connector/source.js';
import { ChannelSelector } from '../../api/graph/partitioner.js';
import type { JobVertex } from '../../api/graph/job-graph.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { TaskIoMetrics } from '../../common/protocol/gateways.js';
import type { InputGate } from '../network/consumer/input-gate.js';
import { RecordWriter } from '../network/partition/record-writer.js';
import { OperatorChain } from './operator-chain.js';
import { TaskProcessingTimeService } from '../operators/processing-time-service.js';
import type { SourceOperator } from '../operators/source-operator.js';
import { StreamInputProcessor } from './stream-input-processor.js';
import type { TaskEnvironment } from './task-environment.js';
import type { TaskInfo } from './streaming-runtime-context.js';
import { attributeToOperator } from './user-code-error.js';

const TIME_SLICE_MS = 10;
/** A source looks at the clock every this many polls (a power of two), not after every record. */
const POLLS_PER_CLOCK_CHECK = 64;

export class StreamTask {
  private readonly vertex: JobVertex;
  private readonly info: TaskInfo;
  private recordWriters: RecordWriter[] = [];
  private chain: OperatorChain | undefined;
  private gate: InputGate | undefined;
  private cancelled = false;
  /** An error raised outside the loop (a timer callback); the loop rethrows it. */
  private asyncError: Error | undefined;
  private resolveCancel!: () => void;
  /** Resolves on cancel or on an asynchronous failure: every wait in the loop races it. */
  private readonly cancelSignal = new Promise<void>((resolve) => (this.resolveCancel = resolve));
  private readonly processingTimeService: TaskProcessingTimeService;
  private flushTimer: NodeJS.Timeout | undefined;
  private sliceStart = 0;
  private inputProcessor: StreamInputProcessor | undefined;

  constructor(private readonly env: TaskEnvironment) {
    const { tdd, pipeline } = env;
    const vertex = pipeline.jobGraph.vertices.find((v) => v.id === tdd.vertexId);
    if (vertex === undefined) {
      throw new FreshetError('UNKNOWN_VERTEX', `the rebuilt job has no vertex ${tdd.vertexId}`);
    }
    this.vertex = vertex;
    this.info = {
      jobId: tdd.job.jobId,
      taskName: tdd.taskName,
      subtaskIndex: tdd.subtaskIndex,
      parallelism: tdd.parallelism,
      maxParallelism: tdd.maxParallelism,
      attemptNumber: tdd.attemptNumber,
    };
    this.processingTimeService = new TaskProcessingTimeService(
      () => env.clock(),
      (error) => {
        this.asyncError ??= error instanceof Error ? error : new Error(String(error));
        this.resolveCancel();
      },
    );
  }

  cancel(): void {
    this.cancelled = true;
    this.resolveCancel();
  }

  isCancelled(): boolean {
    return this.cancelled;
  }

  /** Network records and bytes this subtask read and wrote so far. */
  ioMetrics(): TaskIoMetrics {
    let recordsOut = 0;
    let bytesOut = 0;
    for (const writer of this.recordWriters) {
      const m = writer.metrics();
      recordsOut += m.recordsOut;
      bytesOut += m.bytesOut;
    }
    return {
      recordsIn: this.inputProcessor?.recordsIn ?? 0,
      bytesIn: this.inputProcessor?.bytesIn ?? 0,
      recordsOut,
      bytesOut,
    };
  }

  /** Runs the task to its end; resolves when finished or cancelled, rejects when it fails. */
  async invoke(): Promise<void> {
    try {
      this.setUp();
      await this.chain!.open();
      const head = this.vertex.operators[0]!;
      if (head.kind === 'source') await this.runSource();
      else await this.runInput();
      this.checkAsyncError();
      if (this.cancelled) return;
      await this.chain!.endInput();
      for (const writer of this.recordWriters) writer.broadcastEvent({ type: 'end-of-partition' });
      await this.chain!.close();
    } finally {
      this.tearDown();
    }
  }

  private setUp(): void {
    const { tdd, pipeline, network } = this.env;
    this.recordWriters = tdd.producedPartitions.map((pd) => {
      const dataSet = this.vertex.producedDataSets[pd.dataSetIndex]!;
      const consumer = pipeline.jobGraph.vertices.find((v) => v.id === dataSet.consumerVertexId)!;
      const edge = pipeline.streamGraph.nodes
        .get(this.vertex.operators[dataSet.producerOperatorIndex]!.nodeId)!
        .outEdges.find((e) => e.id === dataSet.streamEdgeId)!;
      const selector = new ChannelSelector(
        dataSet.partitioner,
        pd.numberOfSubpartitions,
        tdd.subtaskIndex,
        consumer.maxParallelism,
        edge.keySelector as ((record: unknown) => unknown) | undefined,
      );
      const partition = network.createResultPartition(pd.partitionId, pd.numberOfSubpartitions);
      return new RecordWriter(
        partition,
        selector,
        this.env.segmentSize,
        pipeline.jobGraph.config.bufferTimeoutMs === 0,
      );
    });
    this.chain = new OperatorChain({
      vertex: this.vertex,
      streamGraph: pipeline.streamGraph,
      task: this.info,
      recordWriters: this.recordWriters,
      processingTimeService: this.processingTimeService,
      autoWatermarkInterval: pipeline.jobGraph.config.autoWatermarkIntervalMs,
      sinkContext: (operator) => ({
        jobId: tdd.job.jobId,
        indexOfSubtask: tdd.subtaskIndex,
        parallelism: tdd.parallelism,
        attemptNumber: tdd.attemptNumber,
        operatorUidOrId: operator.uid ?? operator.operatorId,
        writeStdout: (text) => this.env.writeStdout(text),
        sendToClient: (payload) => this.env.sendToClient(operator.operatorId, payload),
        currentTimeMillis: () => this.env.clock(),
      }),
    });
    if (tdd.inputGates.length > 0) {
      this.gate = network.createInputGate(tdd.executionAttemptId, tdd.inputGates);
    }
    const timeout = pipeline.jobGraph.config.bufferTimeoutMs;
    if (timeout > 0 && this.recordWriters.length > 0) {
      this.flushTimer = setInterval(() => {
        for (const writer of this.recordWriters) writer.flushAll();
      }, timeout);
      this.flushTimer.unref();
    }
  }

  private tearDown(): void {
    this.processingTimeService.shutdown();
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    if (this.gate !== undefined) this.env.network.releaseInputGate(this.gate);
    if (this.cancelled) {
      for (const writer of this.recordWriters)
        this.env.network.releasePartition(writer.partition.partitionId);
    }
    this.chain?.dispose();
  }

  private async runSource(): Promise<void> {
    const { tdd, pipeline } = this.env;
    const head = this.vertex.operators[0]!;
    const node = pipeline.streamGraph.nodes.get(head.nodeId)!;
    if (node.operator.kind !== 'source')
      throw new FreshetError('NOT_A_SOURCE', `${head.name} is not a source`);
    const source = node.operator.source;
    let reader: SourceReader<unknown, unknown>;
    try {
      reader = source.createReader({
        indexOfSubtask: tdd.subtaskIndex,
        parallelism: tdd.parallelism,
        attemptNumber: tdd.attemptNumber,
        currentTimeMillis: () => this.env.clock(),
      });
      const splits = source
        .createSplits(tdd.parallelism)
        .filter((_, i) => i % tdd.parallelism === tdd.subtaskIndex);
      await reader.start?.();
      reader.addSplits(splits);
      reader.notifyNoMoreSplits();
    } catch (error) {
      throw attributeToOperator(error, head.name);
    }
    const sourceOperator = this.chain!.head as SourceOperator;
    const output = {
      collect: (record: unknown, timestamp?: number) => sourceOperator.processElement(record, timestamp),
    };
    try {
      this.sliceStart = performance.now();
      let polls = 0;
      while (!this.cancelled) {
        this.checkAsyncError();
        // Awaiting only when there is something to wait for keeps the per-record path synchronous.
        if (!this.outputsAvailable() && !(await this.waitForOutputs())) return;
        let status;
        try {
          status = reader.pollNext(output);
        } catch (error) {
          throw attributeToOperator(error, head.name);
        }
        if (status === 'END_OF_INPUT') {
          sourceOperator.endOfSourceInput();
          return;
        }
        if (status === 'NOTHING_AVAILABLE') {
          await Promise.race([reader.isAvailable(), this.cancelSignal]);
          this.sliceStart = performance.now();
        } else if ((++polls & (POLLS_PER_CLOCK_CHECK - 1)) === 0 && this.sliceUsedUp()) {
          await yieldToEventLoop();
          this.sliceStart = performance.now();
        }
      }
    } finally {
      await reader.close?.();
    }
  }

  private async runInput(): Promise<void> {
    const gate = this.gate!;
    const gates = this.env.tdd.inputGates;
    const processor = new StreamInputProcessor(gate.channels, (g) => gates[g]!.inputIndex, this.chain!.head);
    this.inputProcessor = processor;
    this.sliceStart = performance.now();
    while (!this.cancelled) {
      this.checkAsyncError();
      if (!this.outputsAvailable() && !(await this.waitForOutputs())) return;
      const polled = gate.pollNext();
      if (polled === undefined) {
        if (gate.isFinished()) return;
        await Promise.race([gate.getAvailableFuture(), this.cancelSignal]);
        this.sliceStart = performance.now();
        continue;
      }
      if (processor.process(polled)) {
        polled.channel.onBufferConsumed();
        await this.maybeYield();
      } else if (gate.isFinished()) {
        return;
      }
    }
  }

  private checkAsyncError(): void {
    if (this.asyncError !== undefined) throw this.asyncError;
  }

  private outputsAvailable(): boolean {
    for (const writer of this.recordWriters) if (!writer.isAvailable()) return false;
    return true;
  }

  private sliceUsedUp(): boolean {
    return performance.now() - this.sliceStart >= TIME_SLICE_MS;
  }

  /** Waits until every output partition has room; false when cancelled meanwhile. */
  private async waitForOutputs(): Promise<boolean> {
    for (const writer of this.recordWriters) {
      while (!writer.isAvailable()) {
        await Promise.race([writer.partition.getAvailableFuture(), this.cancelSignal]);
        if (this.cancelled) return false;
        this.sliceStart = performance.now();
      }
    }
    return !this.cancelled;
  }

  private async maybeYield(): Promise<void> {
    if (this.sliceUsedUp()) {
      await yieldToEventLoop();
      this.sliceStart = performance.now();
    }
  }
}
