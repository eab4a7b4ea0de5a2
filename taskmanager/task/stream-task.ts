/**
 * One subtask (Flink's StreamTask): builds its operator chain, record writers and input gate, then
 * runs a single-threaded loop — pull a buffer (or poll the source), push its records through the
 * chain — that waits whenever the outputs have no room (backpressure) or the input is empty, and
 * yields to the event loop every few milliseconds so credits, timers and control messages run
 * between buffers, never in the middle of one.
 * A source stopped with a savepoint (SourceStop) ends so; downstream tasks whose input ends
 * without end-of-data were stopped without drain, and finish without ending their input.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { JobVertex } from '../../api/graph/job-graph.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { TaskIoMetrics } from '../../common/protocol/gateways.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';
import type { InputGate } from '../network/consumer/input-gate.js';
import type { RecordWriter } from '../network/partition/record-writer.js';
import { OperatorChain } from './operator-chain.js';
import { TaskProcessingTimeService } from '../operators/processing-time-service.js';
import type { SourceOperator } from '../operators/source-operator.js';
import { StreamInputProcessor } from './stream-input-processor.js';
import type { TaskEnvironment } from './task-environment.js';
import type { TaskInfo } from './streaming-runtime-context.js';
import { attributeToOperator } from './user-code-error.js';
import { CheckpointStorageFactory } from '../../common/checkpoint/checkpoint-storage-factory.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import { CheckpointingOptions } from '../../common/config/config-options.js';
import { Configuration } from '../../common/config/configuration.js';
import { createKeyedStateBackendFactory, type KeyedStateBackendFactory } from './keyed-state-backends.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import { StopMode, stopModeOf } from '../../common/protocol/checkpoint-rpc-messages.js';
import { createGateBarrierHandler } from '../checkpoint/gate-barrier-handler.js';
import type { CheckpointBarrierHandler } from '../checkpoint/checkpoint-barrier-handler.js';
import { readTaskRestore } from '../checkpoint/task-state-restorer.js';
import type { InputChannel } from '../network/consumer/input-channel.js';
import { TaskCheckpointing } from './task-checkpointing.js';
import { NO_IN_FLIGHT_DATA, type InFlightData } from '../checkpoint/in-flight-data.js';
import { createRecordWriters } from './record-writers.js';
import { createSourceReader, SOURCE_SPLITS_STATE } from './source-reader-factory.js';
import { barrierOf, SourceStop, type LoopEnd } from './source-stop.js';
import type { TaskSourceReader } from './task-source-reader.js';

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
  private restoredSplits: readonly unknown[] | undefined;
  private endOfDataDone = false;
  private barrierHandler: CheckpointBarrierHandler | undefined;
  private restoredInFlight: InFlightData = NO_IN_FLIGHT_DATA;
  private resolveCancel!: () => void;
  /** Resolves on cancel or on an asynchronous failure: every wait in the loop races it. */
  private readonly cancelSignal = new Promise<void>((resolve) => (this.resolveCancel = resolve));
  private readonly processingTimeService: TaskProcessingTimeService;
  private flushTimer: NodeJS.Timeout | undefined;
  private sliceStart = 0;
  private inputProcessor: StreamInputProcessor | undefined;
  private checkpointing: TaskCheckpointing | undefined;
  private storage: CheckpointStorage | undefined;
  private reader: TaskSourceReader | undefined;
  /** Whether the chain is open and checkpoints can be taken. */
  private running = false;
  private readonly checkpointingEnabled: boolean;
  private readonly configuration: Configuration;
  private readonly stop = new SourceStop();

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
      (error) => this.failAsync(error),
    );
    this.configuration = Configuration.fromMap(
      { ...env.configuration, ...pipeline.jobGraph.config.configuration },
      'job configuration',
    );
    this.checkpointingEnabled = pipeline.jobGraph.config.checkpointIntervalMs !== undefined;
  }

  /**
   * The coordinator triggered a checkpoint (source tasks only): snapshot and emit the barrier now;
   * a stop-with-savepoint's is taken by the source loop, between records.
   */
  triggerCheckpoint(checkpointId: number, timestamp: number, options: CheckpointOptions): void {
    const responder = this.env.checkpointResponder;
    const barrier = barrierOf(checkpointId, timestamp, options);
    if (this.vertex.operators[0]!.kind !== 'source') {
      responder.declineCheckpoint(checkpointId, 'CHECKPOINT_DECLINED', new Error('not a source task'));
    } else if (!this.running || this.checkpointing === undefined) {
      responder.declineCheckpoint(checkpointId, 'CHECKPOINT_DECLINED_TASK_NOT_READY');
    } else if (stopModeOf(options) === undefined || this.endOfDataDone) {
      // A source whose input ended already waits for a final checkpoint: a stop's savepoint is one.
      this.checkpointing.performCheckpoint(barrier);
    } else if (!this.stop.request({ barrier, drain: stopModeOf(options) === StopMode.DRAIN })) {
      responder.declineCheckpoint(checkpointId, 'CHECKPOINT_DECLINED', SourceStop.alreadyStopping());
    }
  }

  notifyCheckpointComplete(checkpointId: number, final: boolean): void {
    if (this.running) this.checkpointing?.notifyCheckpointComplete(checkpointId, final);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    if (this.running) this.checkpointing?.notifyCheckpointAborted(checkpointId);
  }

  /** An event of the source's split enumerator on the JobManager; the reader takes it at its next poll. */
  dispatchOperatorEvent(operatorId: string, event: SourceCoordinatorEvent): void {
    this.reader?.dispatchOperatorEvent(operatorId, event);
  }

  private failAsync(error: unknown): void {
    this.asyncError ??= error instanceof Error ? error : new Error(String(error));
    this.resolveCancel();
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
      this.setUp(
        await createKeyedStateBackendFactory(
          this.configuration,
          this.vertex,
          this.env.slotRocksDB,
          this.info.taskName,
        ),
      );
      await this.restoreState();
      if (this.vertex.operators[0]!.kind === 'source')
        this.reader = await createSourceReader(this.env, this.vertex, this.restoredSplits, this.chain!.head);
      await this.chain!.open();
      this.running = true;
      // Unaligned restore: the output the checkpoint's barrier overtook goes out first.
      this.restoredInFlight.resultSubpartitions.forEach((subpartitions, writer) =>
        subpartitions.forEach((buffers, subpartition) => {
          for (const buffer of buffers) this.recordWriters[writer]!.partition.addBuffer(subpartition, buffer);
        }),
      );
      const head = this.vertex.operators[0]!;
      const end = head.kind === 'source' ? await this.runSource() : await this.runInput();
      this.checkAsyncError();
      if (this.cancelled) return;
      // Stopped without drain: the input does not end (no flush, no MAX_WATERMARK).
      if (end !== 'stopped') await this.endOfData();
      // A source stopped without drain has seen its savepoint complete (and committed) already.
      const awaitFinal =
        end === 'stopped' ? head.kind !== 'source' : end === 'drained' || this.checkpointingEnabled;
      if (awaitFinal) {
        // Flink's checkpoints after tasks finish: what the task emitted last is committed only by
        // a checkpoint taken after it, so the task stays until one completed (after a stop: the
        // stop's savepoint, whose completion also commits).
        await Promise.race([this.checkpointing!.waitForFinalCheckpoint(), this.cancelSignal]);
        this.checkAsyncError();
        if (this.cancelled) return;
      }
      for (const writer of this.recordWriters) writer.broadcastEvent({ type: 'end-of-partition' });
      this.running = false;
      await this.checkpointing?.settled();
      await this.chain!.close();
    } finally {
      this.running = false;
      await this.closeReader();
      await this.chain?.closeAfterFailure();
      this.tearDown();
    }
  }

  private setUp(createKeyedStateBackend: KeyedStateBackendFactory): void {
    const { tdd, pipeline, network } = this.env;
    this.recordWriters = createRecordWriters(this.env, this.vertex);
    this.chain = new OperatorChain({
      vertex: this.vertex,
      streamGraph: pipeline.streamGraph,
      task: this.info,
      recordWriters: this.recordWriters,
      processingTimeService: this.processingTimeService,
      autoWatermarkInterval: pipeline.jobGraph.config.autoWatermarkIntervalMs,
      createKeyedStateBackend,
      sinkContext: (operator) => ({
        jobId: tdd.job.jobId,
        indexOfSubtask: tdd.subtaskIndex,
        parallelism: tdd.parallelism,
        attemptNumber: tdd.attemptNumber,
        operatorUidOrId: operator.uid ?? operator.operatorId,
        writeStdout: (text) => this.env.writeStdout(text),
        sendToClient: (payload) => this.env.sendToClient(operator.operatorId, payload),
        currentTimeMillis: () => this.env.clock(),
        configuration: this.configuration.toMap({ includeSensitive: true }),
        checkpointingEnabled: pipeline.jobGraph.config.checkpointIntervalMs !== undefined,
      }),
    });
    this.checkpointing = new TaskCheckpointing({
      chain: this.chain,
      recordWriters: this.recordWriters,
      storage: () => this.checkpointStorage(),
      responder: this.env.checkpointResponder,
      subtaskIndex: tdd.subtaskIndex,
      hasInputs: tdd.inputGates.length > 0,
      alignmentDurationMs: (checkpointId) => {
        const last = this.barrierHandler?.metrics.getLastAlignment();
        return last?.checkpointId === checkpointId ? last.durationMs : undefined;
      },
      headLists: (checkpointId) =>
        this.reader === undefined
          ? {}
          : { [SOURCE_SPLITS_STATE]: { mode: 'split', values: this.reader.snapshotState(checkpointId) } },
      onAsyncError: (error) => this.failAsync(error),
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
    const storage = this.storage;
    this.storage = undefined;
    void storage?.close().catch(() => {});
  }

  private checkpointStorage(): CheckpointStorage {
    this.storage ??= CheckpointStorageFactory.fromConfiguration(this.configuration);
    return this.storage;
  }

  /** Loads the state of the checkpoint the task starts from into its operators (before open). */
  private async restoreState(): Promise<void> {
    if (this.env.tdd.taskRestore === undefined) return;
    const restored = await readTaskRestore(() => this.checkpointStorage(), this.env.tdd);
    this.chain!.initializeState(restored);
    this.restoredInFlight = restored.get(this.vertex.operators[0]!.operatorId)?.inFlight ?? NO_IN_FLIGHT_DATA;
    this.restoredSplits = restored.get(this.vertex.operators[0]!.operatorId)?.lists[SOURCE_SPLITS_STATE];
  }

  /** The input ended: flush the chain, tell downstream tasks, and wait for the final checkpoint. */
  private async endOfData(): Promise<void> {
    if (this.endOfDataDone) return;
    this.endOfDataDone = true;
    await this.chain!.endInput();
    for (const writer of this.recordWriters) writer.broadcastEvent({ type: 'end-of-data' });
    this.checkpointing!.markEndOfData();
  }

  private async closeReader(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.close?.();
  }

  private async runSource(): Promise<LoopEnd> {
    const head = this.vertex.operators[0]!;
    const reader = this.reader!;
    const sourceOperator = this.chain!.head as SourceOperator;
    const output = sourceOperator.readerOutput();
    this.sliceStart = performance.now();
    let polls = 0;
    while (!this.cancelled) {
      this.checkAsyncError();
      const stop = this.stop.take();
      if (stop !== undefined) {
        const end = await this.stop.carryOut(stop, {
          sourceOperator,
          checkpointing: this.checkpointing!,
          endOfData: () => this.endOfData(),
          cancelled: this.cancelSignal,
        });
        if (end !== undefined) return end;
        this.sliceStart = performance.now();
        continue;
      }
      // Awaiting only when there is something to wait for keeps the per-record path synchronous.
      if (!this.outputsAvailable() && !(await this.waitForOutputs())) return 'cancelled';
      if (this.stop.isPending) continue;
      let status;
      try {
        status = reader.pollNext(output);
      } catch (error) {
        throw attributeToOperator(error, head.name);
      }
      if (status === 'END_OF_INPUT') {
        sourceOperator.endOfSourceInput();
        return 'end-of-input';
      }
      if (status === 'NOTHING_AVAILABLE') {
        await Promise.race([reader.isAvailable(), this.cancelSignal, this.stop.signal]);
        this.sliceStart = performance.now();
      } else if ((++polls & (POLLS_PER_CLOCK_CHECK - 1)) === 0 && this.sliceUsedUp()) {
        await yieldToEventLoop();
        this.sliceStart = performance.now();
      }
    }
    return 'cancelled';
  }

  /** 'stopped' when the input ended without end-of-data: upstream was stopped with a savepoint. */
  private async runInput(): Promise<LoopEnd> {
    const gate = this.gate!;
    const gates = this.env.tdd.inputGates;
    const processor = new StreamInputProcessor(gate.channels, (g) => gates[g]!.inputIndex, this.chain!.head);
    this.inputProcessor = processor;
    const channelIndex = new Map(gate.channels.map((channel, index) => [channel, index]));
    const barriers = (this.barrierHandler = createGateBarrierHandler(
      gate,
      this.configuration.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE),
      this.configuration.get(CheckpointingOptions.ENABLE_UNALIGNED),
      this.checkpointing!,
    ));
    const endOfData = new Set<InputChannel>();
    const unaligned = this.configuration.get(CheckpointingOptions.ENABLE_UNALIGNED);
    // Unaligned restore: the in-flight input of the checkpoint is processed before anything new.
    for (const [index, buffers] of this.restoredInFlight.inputChannels) {
      const channel = gate.channels[index]!;
      for (const data of buffers) processor.process({ channel, entry: { kind: 'buffer', data } });
    }
    this.sliceStart = performance.now();
    while (!this.cancelled) {
      this.checkAsyncError();
      if (!this.outputsAvailable() && !(await this.waitForOutputs())) return 'cancelled';
      const polled = gate.pollNext();
      if (polled === undefined) {
        if (gate.isFinished()) return this.endOfDataDone ? 'end-of-input' : 'stopped';
        await Promise.race([gate.getAvailableFuture(), this.cancelSignal]);
        this.sliceStart = performance.now();
        continue;
      }
      const entry = polled.entry;
      if (entry.kind === 'buffer') {
        if (unaligned && barriers.onBuffer(channelIndex.get(polled.channel)!)) {
          const checkpointId = barriers.getPendingCheckpointId()!;
          this.checkpointing!.captureInputBuffer(checkpointId, channelIndex.get(polled.channel)!, entry.data);
        }
        processor.process(polled);
        polled.channel.onBufferConsumed();
        await this.maybeYield();
        continue;
      }
      const event = entry.event;
      const index = channelIndex.get(polled.channel)!;
      switch (event.type) {
        case 'checkpoint-barrier':
          if (unaligned) {
            for (const data of polled.channel.takeOvertaken(event.checkpointId))
              this.checkpointing!.captureInputBuffer(event.checkpointId, index, data);
          }
          barriers.processBarrier(event, index);
          break;
        case 'cancel-barrier':
          barriers.processCancellationBarrier(event.checkpointId, index);
          break;
        case 'end-of-data':
          endOfData.add(polled.channel);
          if (endOfData.size === gate.channels.length) await this.endOfData();
          break;
        case 'end-of-partition':
          barriers.processEndOfPartition(index);
          if (gate.isFinished()) return this.endOfDataDone ? 'end-of-input' : 'stopped';
          break;
        default:
          processor.process(polled);
      }
    }
    return 'cancelled';
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
        await Promise.race([writer.partition.getAvailableFuture(), this.cancelSignal, this.stop.signal]);
        if (this.cancelled) return false;
        if (this.stop.isPending) return true;
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
