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
// all-windowed-stream.ts registers itself with DataStream when loaded: keep it imported here.
export { AllWindowedStream } from './datastream/all-windowed-stream.js';
export { WindowedStream } from './datastream/windowed-stream.js';
// connected-streams.ts and joined-streams.ts register themselves with DataStream when loaded.
export { ConnectedStreams } from './datastream/connected-streams.js';
export {
  JoinedStreams,
  CoGroupedStreams,
  JoinedWindowedStreams,
  CoGroupedWindowedStreams,
} from './datastream/joined-streams.js';
export { IntervalJoin, IntervalJoined } from './datastream/interval-join.js';
export {
  CoProcessFunction,
  KeyedCoProcessFunction,
  ProcessJoinFunction,
  type CoMapFunction,
  type CoFlatMapFunction,
  type KeyedCoProcessContext,
  type KeyedCoOnTimerContext,
  type ProcessJoinContext,
  type JoinFunction,
  type FlatJoinFunction,
  type CoGroupFunction,
} from './functions/co-functions.js';
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
export {
  StateTtlConfig,
  StateTtlConfigBuilder,
  TtlUpdateType,
  TtlStateVisibility,
  TtlTimeCharacteristic,
} from './state/state-ttl-config.js';
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
  type SourceOutput,
  type SplitEnumerator,
  type SplitEnumeratorContext,
  type ReaderInfo,
} from './connector/source.js';
export type { Sink, SinkWriter, SinkInitContext, SinkWriterContext } from './connector/sink.js';
export { WatermarkStrategy, type TimestampAssigner } from './watermark/watermark-strategy.js';
export { Watermark } from './watermark/watermark.js';
export { WatermarkStatus } from './watermark/watermark-status.js';
export type {
  WatermarkGenerator,
  WatermarkOutput,
  WatermarkGeneratorSupplierContext,
} from './watermark/watermark-generator.js';
export {
  ProcessWindowFunction,
  ProcessAllWindowFunction,
  type ProcessWindowContext,
  type WindowFunction,
  type AllWindowFunction,
} from './functions/window-functions.js';
export type { KeyedStateStore } from './state/keyed-state-store.js';
export {
  EmbeddedRocksDBStateBackend,
  HashMapStateBackend,
  type StateBackend,
} from './state/state-backends.js';
export { WindowAssigner, type WindowAssignerContext } from './windowing/assigners/window-assigner.js';
export { MergingWindowAssigner } from './windowing/assigners/merging-window-assigner.js';
export { TumblingEventTimeWindows } from './windowing/assigners/tumbling-event-time-windows.js';
export { SlidingEventTimeWindows } from './windowing/assigners/sliding-event-time-windows.js';
export { EventTimeSessionWindows } from './windowing/assigners/event-time-session-windows.js';
export { DynamicEventTimeSessionWindows } from './windowing/assigners/dynamic-event-time-session-windows.js';
export { TumblingProcessingTimeWindows } from './windowing/assigners/tumbling-processing-time-windows.js';
export { SlidingProcessingTimeWindows } from './windowing/assigners/sliding-processing-time-windows.js';
export { ProcessingTimeSessionWindows } from './windowing/assigners/processing-time-session-windows.js';
export { DynamicProcessingTimeSessionWindows } from './windowing/assigners/dynamic-processing-time-session-windows.js';
export type { SessionWindowTimeGapExtractor } from './windowing/assigners/session-window-time-gap-extractor.js';
export { GlobalWindows } from './windowing/assigners/global-windows.js';
export { Trigger } from './windowing/triggers/trigger.js';
export type { TriggerContext, OnMergeContext } from './windowing/triggers/trigger-context.js';
export type { TriggerFunctions } from './windowing/triggers/to-trigger.js';
export { TriggerResult } from './windowing/triggers/trigger-result.js';
export { EventTimeTrigger } from './windowing/triggers/event-time-trigger.js';
export { ProcessingTimeTrigger } from './windowing/triggers/processing-time-trigger.js';
export { CountTrigger } from './windowing/triggers/count-trigger.js';
export { PurgingTrigger } from './windowing/triggers/purging-trigger.js';
export { ContinuousEventTimeTrigger } from './windowing/triggers/continuous-event-time-trigger.js';
export { ContinuousProcessingTimeTrigger } from './windowing/triggers/continuous-processing-time-trigger.js';
export type { Evictor, EvictorContext, TimestampedValue } from './windowing/evictors/evictor.js';
export { CountEvictor } from './windowing/evictors/count-evictor.js';
export { TimeEvictor } from './windowing/evictors/time-evictor.js';
export { Window } from './windowing/windows/window.js';
export { TimeWindow } from './windowing/windows/time-window.js';
export { GlobalWindow } from './windowing/windows/global-window.js';
export { Time } from './common/time.js';
export type { JobGraph, JobVertex } from './graph/job-graph.js';
export type { StreamGraph, StreamNode } from './graph/stream-graph.js';
