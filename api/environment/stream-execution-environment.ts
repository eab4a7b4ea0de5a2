/**
 * The entry point of a job (Flink's StreamExecutionEnvironment): creates sources, collects the
 * transformations the program builds, and hands the resulting graph to whatever executor the
 * runtime placed in context.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import { Configuration } from '../../common/config/configuration.js';
import type { StateBackend } from '../state/state-backends.js';
import {
  CheckpointingOptions,
  CoreOptions,
  ExecutionOptions,
  PipelineOptions,
} from '../../common/config/config-options.js';
import { CollectSink } from '../connector/collect-sink.js';
import type { Sink } from '../connector/sink.js';
import type { Source } from '../connector/source.js';
import { type DataStream, SingleOutputStreamOperator } from '../datastream/data-stream.js';
import type { KeySelector } from '../functions/functions.js';
import { createJobGraph } from '../graph/job-graph-generator.js';
import type { OperatorDescriptor } from '../graph/operator-descriptor.js';
import { generateStreamGraph } from '../graph/stream-graph.js';
import type { OperatorTransformation, Transformation } from '../graph/transformation.js';
import { WatermarkStrategy } from '../watermark/watermark-strategy.js';
import { builtInConnectors } from './built-in-connectors.js';
import { ExecutionConfig, checkParallelism } from './execution-config.js';
import {
  ProgramAbortException,
  getDefaultExecutor,
  getExecutionContext,
  type ExecutionContext,
  type Pipeline,
} from './execution-context.js';
import type { JobClient, JobExecutionResult } from './job-client.js';

export class StreamExecutionEnvironment {
  private readonly transformations: OperatorTransformation[] = [];
  private readonly config = new ExecutionConfig();
  private parallelism: number;
  private parallelismSetByProgram = false;
  private maxParallelism: number | undefined;
  private bufferTimeout = 100;
  private checkpointInterval: number | undefined;
  private idCounter = 0;
  private readonly configuration: Record<string, string>;

  constructor(private readonly context: ExecutionContext | undefined = getExecutionContext()) {
    this.configuration = { ...(context?.configuration ?? {}) };
    const conf = Configuration.fromMap(this.configuration, 'job configuration');
    this.parallelism = context?.defaultParallelism ?? conf.get(CoreOptions.DEFAULT_PARALLELISM);
    this.bufferTimeout = conf.get(ExecutionOptions.BUFFER_TIMEOUT);
    const maxParallelism = conf.get(PipelineOptions.MAX_PARALLELISM);
    if (maxParallelism > 0) this.maxParallelism = maxParallelism;
    this.config.setAutoWatermarkInterval(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL));
    this.checkpointInterval = conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
  }

  /** The environment the runtime placed in context (local mini-cluster, cluster client, or plan capture). */
  static getExecutionEnvironment(): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment();
  }

  setParallelism(parallelism: number): this {
    this.parallelism = checkParallelism(parallelism);
    this.parallelismSetByProgram = true;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  setMaxParallelism(maxParallelism: number): this {
    this.maxParallelism = checkParallelism(maxParallelism, 'maxParallelism');
    return this;
  }

  getMaxParallelism(): number | undefined {
    return this.maxParallelism;
  }

  /** Milliseconds a partly filled network buffer may wait before it is sent; 0 flushes every record. */
  setBufferTimeout(timeoutMs: number): this {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
      throw new UserError(
        'INVALID_BUFFER_TIMEOUT',
        `buffer timeout must be an integer >= 0 ms, got ${timeoutMs}`,
      );
    }
    this.bufferTimeout = timeoutMs;
    return this;
  }

  getConfig(): ExecutionConfig {
    return this.config;
  }

  enableCheckpointing(intervalMs: number): this {
    if (!Number.isInteger(intervalMs) || intervalMs < 10) {
      throw new UserError(
        'INVALID_CHECKPOINT_INTERVAL',
        `checkpoint interval must be an integer >= 10 ms, got ${intervalMs}`,
      );
    }
    this.checkpointInterval = intervalMs;
    return this;
  }

  /**
   * Where this job's keyed state lives: `new EmbeddedRocksDBStateBackend()` (or 'rocksdb') or
   * `new HashMapStateBackend()` (or 'hashmap'); wins over the cluster's `state.backend.type`.
   */
  setStateBackend(backend: StateBackend | StateBackend['type']): this {
    const type = typeof backend === 'string' ? backend : backend?.type;
    if (type !== 'hashmap' && type !== 'rocksdb') {
      throw new UserError(
        'INVALID_STATE_BACKEND',
        `unknown state backend ${JSON.stringify(type)}: use new HashMapStateBackend() or new EmbeddedRocksDBStateBackend()`,
      );
    }
    this.configuration['state.backend.type'] = type;
    return this;
  }

  /** Sets job-level configuration keys (Flink's `env.configure`). */
  configure(settings: Readonly<Record<string, string | number | boolean>>): this {
    for (const [key, value] of Object.entries(settings)) this.configuration[key] = String(value);
    return this;
  }

  fromSource<T>(
    source: Source<T, unknown>,
    watermarkStrategy: WatermarkStrategy<T>,
    sourceName: string,
  ): SingleOutputStreamOperator<T> {
    const t = this.addOperator(`Source: ${sourceName}`, [], {
      kind: 'source',
      source: source,
      watermarkStrategy: watermarkStrategy as WatermarkStrategy<unknown>,
    });
    return new SingleOutputStreamOperator<T>(this, t);
  }

  /** A bounded stream of the given elements, read by one subtask (as Flink's fromElements). */
  fromElements<T>(...elements: T[]): SingleOutputStreamOperator<T> {
    return this.fromCollection(elements, 'Collection Source');
  }

  fromCollection<T>(elements: Iterable<T>, name = 'Collection Source'): SingleOutputStreamOperator<T> {
    const data = [...elements];
    const stream = this.fromSource(
      builtInConnectors().collectionSource(data),
      WatermarkStrategy.noWatermarks(),
      name,
    );
    return stream.setParallelism(1);
  }

  fromSequence(from: number, to: number): SingleOutputStreamOperator<number> {
    return this.fromSource(
      builtInConnectors().sequenceSource(from, to),
      WatermarkStrategy.noWatermarks(),
      'Sequence Source',
    );
  }

  /** Builds the logical graph and runs it; resolves when a bounded job finishes. */
  async execute(jobName = 'Freshet Streaming Job'): Promise<JobExecutionResult> {
    const client = await this.executeAsync(jobName);
    return client.getJobExecutionResult();
  }

  async executeAsync(jobName = 'Freshet Streaming Job'): Promise<JobClient> {
    const pipeline = this.getPipeline(jobName);
    const context = this.context;
    if (context?.mode === 'capture') {
      context.onPipeline(pipeline);
      throw new ProgramAbortException();
    }
    const executor = context?.mode === 'execute' ? context.executor : getDefaultExecutor();
    return executor.execute(pipeline);
  }

  async executeAndCollect<T>(stream: DataStream<T>, jobName: string): Promise<T[]> {
    const sink = stream.sinkTo(new CollectSink<T>()).name('Collect Sink').setParallelism(1);
    const operatorId = this.getPipeline(jobName)
      .jobGraph.vertices.flatMap((v) => v.operators)
      .find((op) => op.nodeId === sink.transformation.id)!.operatorId;
    const client = await this.executeAsync(jobName);
    await client.getJobExecutionResult();
    return client.drainClientData(operatorId).flatMap((batch) => batch as T[]);
  }

  /** The StreamGraph and JobGraph of what the program built so far. */
  getPipeline(jobName = 'Freshet Streaming Job'): Pipeline {
    const streamGraph = generateStreamGraph(this.transformations, {
      jobName,
      defaultParallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
    });
    const jobGraph = createJobGraph(streamGraph, {
      bufferTimeoutMs: this.bufferTimeout,
      autoWatermarkIntervalMs: this.config.getAutoWatermarkInterval(),
      checkpointIntervalMs: this.checkpointInterval,
      configuration: { ...this.configuration },
    });
    return { streamGraph, jobGraph };
  }

  /** True when the program called setParallelism (then `-p` does not override it). */
  isParallelismSetByProgram(): boolean {
    return this.parallelismSetByProgram;
  }

  /** @internal Used by streams to allocate transformation IDs. */
  nextId(): number {
    return ++this.idCounter;
  }

  /** @internal Used by streams to add an operator. */
  addOperator(
    name: string,
    inputs: readonly Transformation[],
    operator: OperatorDescriptor,
    stateKeySelector?: KeySelector<unknown, unknown>,
    stateKeySelector2?: KeySelector<unknown, unknown>,
  ): OperatorTransformation {
    for (const input of inputs) this.checkOwnTransformation(input);
    const t: OperatorTransformation = {
      type: 'operator',
      id: this.nextId(),
      inputs,
      operator,
      stateKeySelector,
      stateKeySelector2,
      name,
      uid: undefined,
      parallelism: undefined,
      maxParallelism: undefined,
      slotSharingGroup: undefined,
      chainingStrategy: operator.kind === 'source' ? 'HEAD' : 'ALWAYS',
    };
    this.transformations.push(t);
    return t;
  }

  /** @internal */
  createPrintSink<T>(sinkIdentifier?: string): Sink<T> {
    return builtInConnectors().printSink<T>(sinkIdentifier);
  }

  private checkOwnTransformation(t: Transformation): void {
    if (t.type === 'operator' && !this.transformations.includes(t)) {
      throw new UserError(
        'FOREIGN_STREAM',
        'a stream from another execution environment was used in this job',
      );
    }
  }
}
