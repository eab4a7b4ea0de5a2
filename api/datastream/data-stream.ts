/**
 * DataStream and SingleOutputStreamOperator (Flink's names): each call adds a transformation to
 * the environment and returns the stream it produces. Nothing runs until `execute()`.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { Sink } from '../connector/sink.js';
import { checkParallelism, checkUid } from '../environment/execution-config.js';
import type { StreamExecutionEnvironment } from '../environment/stream-execution-environment.js';
import type { FilterFunction, FlatMapFunction, KeySelector, MapFunction } from '../functions/functions.js';
import type { ProcessFunction } from '../functions/process-function.js';
import type { OperatorDescriptor } from '../graph/operator-descriptor.js';
import type { PartitionerType } from '../graph/partitioner.js';
import type { OperatorTransformation, Transformation } from '../graph/transformation.js';
import { DataStreamSink } from './data-stream-sink.js';
import type { KeyedStream } from './keyed-stream.js';
import type { OutputTag } from './output-tag.js';
import type { AllWindowedStream } from './all-windowed-stream.js';
import type { ConnectedStreams } from './connected-streams.js';
import type { CoGroupedStreams, JoinedStreams } from './joined-streams.js';
import { GlobalWindows } from '../windowing/assigners/global-windows.js';
import type { WindowAssigner } from '../windowing/assigners/window-assigner.js';
import { CountEvictor } from '../windowing/evictors/count-evictor.js';
import { CountTrigger } from '../windowing/triggers/count-trigger.js';
import { PurgingTrigger } from '../windowing/triggers/purging-trigger.js';
import type { GlobalWindow } from '../windowing/windows/global-window.js';
import type { Window } from '../windowing/windows/window.js';
import type { WatermarkStrategy } from '../watermark/watermark-strategy.js';

type AllWindowedStreamConstructor = new <T, W extends Window>(
  input: DataStream<T>,
  assigner: WindowAssigner<T, W>,
) => AllWindowedStream<T, W>;

type KeyedStreamConstructor = new <T, K>(
  input: DataStream<T>,
  keySelector: KeySelector<T, K>,
) => KeyedStream<T, K>;

export class DataStream<T> {
  /** Set by keyed-stream.ts when it loads (it extends this class, so it cannot be imported here). */
  static keyedStreamConstructor: KeyedStreamConstructor | undefined;
  /** Set by all-windowed-stream.ts when it loads (it builds on keyBy, so it cannot be imported here). */
  static allWindowedStreamConstructor: AllWindowedStreamConstructor | undefined;
  /** Set by connected-streams.ts when it loads. */
  static connectedStreamsConstructor:
    (new <A, B>(first: DataStream<A>, second: DataStream<B>) => ConnectedStreams<A, B>) | undefined;
  /** Set by joined-streams.ts when it loads. */
  static joinFactory:
    | {
        join<A, B>(first: DataStream<A>, second: DataStream<B>): JoinedStreams<A, B>;
        coGroup<A, B>(first: DataStream<A>, second: DataStream<B>): CoGroupedStreams<A, B>;
      }
    | undefined;

  constructor(
    readonly environment: StreamExecutionEnvironment,
    readonly transformation: Transformation,
  ) {}

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }

  getParallelism(): number {
    const t = this.transformation;
    return (t.type === 'operator' ? t.parallelism : undefined) ?? this.environment.getParallelism();
  }

  map<R>(mapper: MapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Map', { kind: 'map', fn: mapper as MapFunction<unknown, unknown> });
  }

  flatMap<R>(flatMapper: FlatMapFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Flat Map', {
      kind: 'flatMap',
      fn: flatMapper as FlatMapFunction<unknown, unknown>,
    });
  }

  filter(filter: FilterFunction<T>): SingleOutputStreamOperator<T> {
    return this.transform('Filter', { kind: 'filter', fn: filter as FilterFunction<unknown> });
  }

  process<R>(fn: ProcessFunction<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Process', { kind: 'process', fn: fn });
  }

  /** Assigns event timestamps and generates watermarks in the stream (after a source without them). */
  assignTimestampsAndWatermarks(watermarkStrategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    const result = this.transform<T>('Timestamps/Watermarks', {
      kind: 'timestampsAndWatermarks',
      watermarkStrategy: watermarkStrategy as WatermarkStrategy<unknown>,
    });
    // As Flink: the operator runs at its input's parallelism, so it chains to it one to one.
    const inputParallelism = operatorParallelism(this.transformation);
    if (inputParallelism !== undefined) result.setParallelism(inputParallelism);
    return result;
  }

  keyBy<K>(key: KeySelector<T, K>): KeyedStream<T, K> {
    const ctor = DataStream.keyedStreamConstructor;
    if (ctor === undefined) throw new Error('KeyedStream is not loaded; import the API from freshet');
    return new ctor<T, K>(this, key);
  }

  /** Windows over the whole stream, evaluated by one subtask (Flink's windowAll). */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    const ctor = DataStream.allWindowedStreamConstructor;
    if (ctor === undefined) throw new Error('AllWindowedStream is not loaded; import the API from freshet');
    return new ctor<T, W>(this, assigner);
  }

  /** Count windows over the whole stream (Flink's countWindowAll). */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    const windowed = this.windowAll(GlobalWindows.create());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
    return windowed
      .evictor(CountEvictor.of<GlobalWindow>(size))
      .trigger(CountTrigger.of<GlobalWindow>(slide));
  }

  /** Connects two streams for a two-input operator (Flink's connect). */
  connect<R>(other: DataStream<R>): ConnectedStreams<T, R> {
    const ctor = DataStream.connectedStreamsConstructor;
    if (ctor === undefined) throw new Error('ConnectedStreams is not loaded; import the API from freshet');
    return new ctor<T, R>(this, other);
  }

  /** Window join: `a.join(b).where(ka).equalTo(kb).window(assigner).apply(fn)`. */
  join<R>(other: DataStream<R>): JoinedStreams<T, R> {
    if (DataStream.joinFactory === undefined)
      throw new Error('JoinedStreams is not loaded; import the API from freshet');
    return DataStream.joinFactory.join(this, other);
  }

  /** Window co-group: `a.coGroup(b).where(ka).equalTo(kb).window(assigner).apply(fn)`. */
  coGroup<R>(other: DataStream<R>): CoGroupedStreams<T, R> {
    if (DataStream.joinFactory === undefined)
      throw new Error('CoGroupedStreams is not loaded; import the API from freshet');
    return DataStream.joinFactory.coGroup(this, other);
  }

  union(...others: DataStream<T>[]): DataStream<T> {
    for (const other of others) {
      if (other.environment !== this.environment) {
        throw new UserError('FOREIGN_STREAM', 'cannot union streams from different execution environments');
      }
    }
    const inputs = [this.transformation, ...others.map((o) => o.transformation)];
    return new DataStream(this.environment, { type: 'union', id: this.environment.nextId(), inputs });
  }

  forward(): DataStream<T> {
    return this.partition('forward');
  }
  rebalance(): DataStream<T> {
    return this.partition('rebalance');
  }
  rescale(): DataStream<T> {
    return this.partition('rescale');
  }
  shuffle(): DataStream<T> {
    return this.partition('shuffle');
  }
  broadcast(): DataStream<T> {
    return this.partition('broadcast');
  }
  global(): DataStream<T> {
    return this.partition('global');
  }

  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    const t = this.environment.addOperator('Sink', [this.transformation], { kind: 'sink', sink: sink });
    return new DataStreamSink<T>(t);
  }

  /** Writes `JSON.stringify(record)` per line to stdout, prefixed `N> ` when parallelism > 1. */
  print(sinkIdentifier?: string): DataStreamSink<T> {
    const sink = this.environment.createPrintSink<T>(sinkIdentifier);
    const result = this.sinkTo(sink);
    result.name('Print to Std. Out');
    return result;
  }

  /** Runs the job (bounded input) and returns every record of this stream, in one parallel-1 collect sink. */
  async executeAndCollect(jobName = 'DataStream Collect'): Promise<T[]> {
    return this.environment.executeAndCollect<T>(this, jobName);
  }

  /** The transformation that applies an operator to this stream (and, when keyed, its state key). */
  protected transform<R>(name: string, operator: OperatorDescriptor): SingleOutputStreamOperator<R> {
    const t = this.environment.addOperator(name, [this.transformation], operator, this.stateKeySelector());
    return new SingleOutputStreamOperator<R>(this.environment, t);
  }

  /** Overridden by KeyedStream: operators after keyBy scope their state by this key. */
  protected stateKeySelector(): KeySelector<unknown, unknown> | undefined {
    return undefined;
  }

  private partition(partitioner: PartitionerType): DataStream<T> {
    return new DataStream(this.environment, {
      type: 'partition',
      id: this.environment.nextId(),
      input: this.transformation,
      partitioner,
      keySelector: undefined,
    });
  }
}

/** A stream produced by one operator, whose settings (name, uid, parallelism, ...) can be changed. */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  constructor(
    environment: StreamExecutionEnvironment,
    override readonly transformation: OperatorTransformation,
  ) {
    super(environment, transformation);
  }

  name(name: string): this {
    this.transformation.name = name;
    return this;
  }

  getName(): string {
    return this.transformation.name;
  }

  uid(uid: string): this {
    this.transformation.uid = checkUid(uid);
    return this;
  }

  setParallelism(parallelism: number): this {
    this.transformation.parallelism = checkParallelism(parallelism);
    return this;
  }

  setMaxParallelism(maxParallelism: number): this {
    this.transformation.maxParallelism = checkParallelism(maxParallelism, 'maxParallelism');
    return this;
  }

  slotSharingGroup(group: string): this {
    this.transformation.slotSharingGroup = group;
    return this;
  }

  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }

  startNewChain(): this {
    this.transformation.chainingStrategy = 'HEAD';
    return this;
  }

  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.environment, {
      type: 'sideOutput',
      id: this.environment.nextId(),
      input: this.transformation,
      tag: tag,
    });
  }
}

/** The parallelism set on the operator behind `t` (through partitioning), if any. */
function operatorParallelism(t: Transformation): number | undefined {
  switch (t.type) {
    case 'operator':
      return t.parallelism;
    case 'partition':
    case 'sideOutput':
      return operatorParallelism(t.input);
    case 'union':
      return t.inputs[0] === undefined ? undefined : operatorParallelism(t.inputs[0]);
  }
}
