/**
 * Asks the SlotPool for a job's slots (Flink's slot requests with `slot.request.timeout`): taken
 * at once when enough are free, else waited for — retried each time the pool reports slots may be
 * available — until the timeout passes.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { AllocatedSlot, SlotPool } from '../resourcemanager/slot-pool.js';
import type { SchedulerTimer } from './scheduler-timer.js';

export interface SlotRequestSpec {
  readonly jobId: JobId;
  readonly count: number;
  /** `slot.request.timeout` in ms. */
  readonly timeoutMs: number;
}

export type SlotRequestOutcome =
  | { readonly kind: 'allocated'; readonly slots: AllocatedSlot[] }
  | { readonly kind: 'timed-out'; readonly error: UserError };

export type SlotRequest =
  | { readonly kind: 'allocated'; readonly slots: AllocatedSlot[] }
  /** `cancel` stops waiting; `onOutcome` is then never called. */
  | { readonly kind: 'waiting'; readonly cancel: () => void };

/**
 * Allocates now if it can (`onOutcome` is not called then); otherwise calls `onOutcome` exactly
 * once, later, with the slots or the timeout error.
 */
export function requestSlots(
  pool: SlotPool,
  spec: SlotRequestSpec,
  timer: SchedulerTimer,
  onOutcome: (outcome: SlotRequestOutcome) => void,
): SlotRequest {
  const now = pool.tryAllocate(spec.jobId, spec.count);
  if (now !== undefined) return { kind: 'allocated', slots: now };
  let settled = false;
  const settle = (outcome: SlotRequestOutcome): void => {
    if (settled) return;
    settled = true;
    removeListener();
    cancelTimeout();
    onOutcome(outcome);
  };
  const removeListener = pool.addSlotAvailabilityListener(() => {
    const slots = pool.tryAllocate(spec.jobId, spec.count);
    if (slots !== undefined) settle({ kind: 'allocated', slots });
  });
  const cancelTimeout = timer.schedule(spec.timeoutMs, () =>
    settle({ kind: 'timed-out', error: notEnoughSlotsError(pool, spec) }),
  );
  return {
    kind: 'waiting',
    cancel: () => {
      settled = true;
      removeListener();
      cancelTimeout();
    },
  };
}

/** "not enough slots: need N, have M (...)", M being the free slots now. */
export function notEnoughSlotsError(pool: SlotPool, spec: SlotRequestSpec): UserError {
  const taskManagers = pool.numberOfTaskManagers();
  return new UserError(
    'NOT_ENOUGH_SLOTS',
    `not enough slots: need ${spec.count}, have ${pool.freeSlots()} (waited slot.request.timeout ` +
      `${spec.timeoutMs} ms; ${taskManagers} TaskManager${taskManagers === 1 ? '' : 's'} registered ` +
      `with ${pool.totalSlots()} slots in total)`,
    { retryable: true },
  );
}
