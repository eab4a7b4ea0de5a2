/**
 * The window operator a window spec runs as: a specialised plan for the shapes it computes
 * (event-time tumbling/sliding windows, event-time sessions; default trigger, pre-aggregated
 * contents, heap state), WindowOperator for everything else. All give the same results and
 * checkpoint the same state.
 */
import type { WindowOperatorSpec } from '../../../api/graph/window-operator-spec.js';
import type { OperatorContext } from '../stream-operator.js';
import { AlignedWindowOperator } from './aligned-window-operator.js';
import { EventTimeSessionWindowOperator } from './event-time-session-window-operator.js';
import { WindowOperator } from './window-operator.js';

export type AnyWindowOperator = WindowOperator | AlignedWindowOperator | EventTimeSessionWindowOperator;

/** `general` forces WindowOperator (tests compare the plans with it). */
export function createWindowOperator(
  ctx: OperatorContext,
  spec: WindowOperatorSpec,
  plan: 'auto' | 'general' = 'auto',
): AnyWindowOperator {
  if (plan === 'auto') {
    if (AlignedWindowOperator.supports(spec, ctx.keyedStateBackend))
      return new AlignedWindowOperator(ctx, spec);
    if (EventTimeSessionWindowOperator.supports(spec, ctx.keyedStateBackend))
      return new EventTimeSessionWindowOperator(ctx, spec);
  }
  return new WindowOperator(ctx, spec);
}
