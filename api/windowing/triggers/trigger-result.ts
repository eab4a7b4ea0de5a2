/**
 * What a trigger decides for a window (Flink's TriggerResult): keep going, evaluate the window,
 * throw its contents away, or both. A value, not an exception.
 */
export const TriggerResult = {
  /** Do nothing with the window. */
  CONTINUE: 'continue',
  /** Evaluate the window function and emit its result; keep the window's contents. */
  FIRE: 'fire',
  /** Clear the window's contents without emitting anything. */
  PURGE: 'purge',
  /** Evaluate the window function, emit its result, then clear the window's contents. */
  FIRE_AND_PURGE: 'fire-and-purge',
} as const;
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

/** True for FIRE and FIRE_AND_PURGE. */
export function isFire(result: TriggerResult): boolean {
  return result === TriggerResult.FIRE || result === TriggerResult.FIRE_AND_PURGE;
}

/** True for PURGE and FIRE_AND_PURGE. */
export function isPurge(result: TriggerResult): boolean {
  return result === TriggerResult.PURGE || result === TriggerResult.FIRE_AND_PURGE;
}

const VALUES: ReadonlySet<string> = new Set(Object.values(TriggerResult));

/** True when `value` is one of the four decisions (for checking what user triggers return). */
export function isTriggerResult(value: unknown): value is TriggerResult {
  return typeof value === 'string' && VALUES.has(value);
}
