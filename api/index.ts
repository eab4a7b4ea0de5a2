/** The job-author API (package `freshet`), with Flink's DataStream names. */
export { StreamExecutionEnvironment } from './environment/stream-execution-environment.js';
export { ExecutionConfig } from './environment/execution-config.js';
export type { JobClient, JobExecutionResult } from './environment/job-client.js';
export {
  setExecutionContext,
  getExecutionContext,
  setDefaultExecutorFactory,
  ProgramAbortException,
  type ExecutionContext,
  type Pipeline,
  type PipelineExecutor,
} from './environment/execution-context.js';
export { registerBuiltInConnectors, type BuiltInConnectors } from './environment/built-in-connectors.js';
// keyed-stream.ts registers itself with DataStream when loaded: keep it imported here.
export { KeyedStream } from './datastream/keyed-stream.js';
export { DataStream, SingleOutputStreamOperator } from './datastream/data-stream.js';
export { DataStreamSink } from './datastream/data-stream-sink.js';
export { OutputTag } from './datastream/output-tag.js';
export type { AggregationField } from './datastream/field-aggregators.js';
export type { Collector } from './functions/collector.js';
export type {
  MapFunction,
  FlatMapFunction,
  FilterFunction,
  ReduceFunction,
  KeySelector,
  AggregateFunction,
} from './functions/functions.js';
export { AbstractRichFunction, type RichFunction, type OpenContext } from './functions/rich-function.js';
export {
  RichMapFunction,
  RichFlatMapFunction,
  RichFilterFunction,
  RichReduceFunction,
} from './functions/rich-functions.js';
export type { RuntimeContext } from './functions/runtime-context.js';
export {
  ProcessFunction,
  TimeDomain,
  type TimerService,
  type ProcessContext,
  type OnTimerContext,
} from './functions/process-function.js';
export {
  KeyedProcessFunction,
  type KeyedProcessContext,
  type KeyedOnTimerContext,
} from './functions/keyed-process-function.js';
export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  AggregatingStateDescriptor,
  StateDescriptor,
} from './state/state-descriptor.js';
export type {
  State,
  ValueState,
  ListState,
  MapState,
  ReducingState,
  AggregatingState,
} from './state/state.js';
export {
  Boundedness,
  InputStatus,
  type Source,
  type SourceReader,
  type SourceReaderContext,
  type ReaderOutput,
} from './connector/source.js';
export type { Sink, SinkWriter, SinkInitContext, SinkWriterContext } from './connector/sink.js';
export { WatermarkStrategy, type TimestampAssigner } from './watermark/watermark-strategy.js';
export { Time } from './common/time.js';
export type { JobGraph, JobVertex } from './graph/job-graph.js';
export type { StreamGraph, StreamNode } from './graph/stream-graph.js';
