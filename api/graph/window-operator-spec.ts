/**
 * What a window operator is made of, as WindowedStream records it: the assigner, trigger,
 * optional evictor, lateness settings, how window contents are kept (pre-aggregated or as a list)
 * and how a fired window's contents reach the user's window function.
 */
import type { Collector } from '../functions/collector.js';
import type { AggregateFunction, ReduceFunction } from '../functions/functions.js';
import type { ProcessWindowContext } from '../functions/window-functions.js';
import type { WindowAssigner } from '../windowing/assigners/window-assigner.js';
import type { Evictor } from '../windowing/evictors/evictor.js';
import type { Trigger } from '../windowing/triggers/trigger.js';
import type { Window } from '../windowing/windows/window.js';

export type WindowContents =
  | { readonly kind: 'reduce'; readonly fn: ReduceFunction<unknown> }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction<unknown, unknown, unknown> }
  | { readonly kind: 'list' };

/**
 * Applies the (per-subtask copy of the) user's window function to a fired window: `elements` is
 * the pre-aggregated result as a one-element array, or every element for list contents.
 */
export type WindowEmitFunction = (
  userFunction: unknown,
  key: unknown,
  context: ProcessWindowContext<Window>,
  elements: unknown[],
  out: Collector<unknown>,
) => void;

export interface WindowOperatorSpec {
  readonly assigner: WindowAssigner<unknown, Window>;
  readonly trigger: Trigger<unknown, Window>;
  readonly evictor: Evictor<unknown, Window> | undefined;
  readonly allowedLateness: number;
  readonly lateDataTag: string | undefined;
  readonly contents: WindowContents;
  /** The user's window function object (gets open/close/runtime context), if any. */
  readonly userFunction: unknown;
  readonly emit: WindowEmitFunction;
  /** Called when a window is purged, for per-window state of the user function. */
  readonly clear: ((userFunction: unknown, context: ProcessWindowContext<Window>) => void) | undefined;
}
