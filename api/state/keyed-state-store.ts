import type { RuntimeContext } from '../functions/runtime-context.js';

/** The state getters of a RuntimeContext, for stores scoped otherwise (per window, per key). */
export type KeyedStateStore = Pick<
  RuntimeContext,
  'getState' | 'getListState' | 'getMapState' | 'getReducingState' | 'getAggregatingState'
>;
