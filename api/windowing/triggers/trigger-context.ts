/**
 * What a trigger can see and do while it decides about one window of one key (Flink's
 * Trigger.TriggerContext): read the clocks, set and delete timers, and keep state scoped to the
 * (key, window) pair. The window operator implements it; tests use TestingTriggerContext.
 */
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueStateDescriptor,
} from '../../state/state-descriptor.js';
import type {
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  State,
  ValueState,
} from '../../state/state.js';

export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  /** Calls the trigger's `onProcessingTime` when processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Calls the trigger's `onEventTime` when the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  /** State scoped to the current key and the window the trigger is deciding about. */
  getPartitionedState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getPartitionedState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getPartitionedState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getPartitionedState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getPartitionedState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT>;
  getPartitionedState<S extends State>(descriptor: StateDescriptor): S;
}

/** The context of `Trigger.onMerge`: the window being merged into plus its merged-away windows. */
export interface OnMergeContext extends TriggerContext {
  /**
   * Folds the state of `descriptor` in every merged-away window into the merge target. Only
   * list, reducing and aggregating state can be merged; others throw.
   */
  mergePartitionedState(descriptor: StateDescriptor): void;
}
