/**
 * Flink's StateTtlConfig: the time-to-live of keyed state values, set on a state descriptor with
 * `enableTimeToLive`. TTL is processing time (the backend's wall clock): a value whose last access
 * timestamp plus the TTL is not after now has expired. List state expires per element, map state
 * per entry, the other kinds per value.
 *
 * ```ts
 * const ttl = StateTtlConfig.newBuilder(Time.hours(1))
 *   .setUpdateType(StateTtlConfig.UpdateType.OnReadAndWrite)
 *   .neverReturnExpired()
 *   .cleanupFullSnapshot()
 *   .build();
 * new ValueStateDescriptor<number>('lastSeen').enableTimeToLive(ttl);
 * ```
 */
import { UserError } from '../../common/errors/freshet-error.js';

/** When the last access timestamp (and so the expiry) moves forward. */
export const TtlUpdateType = {
  /** TTL is disabled: the state never expires. */
  Disabled: 'Disabled',
  /** Only creating and writing a value refreshes it (Flink's default). */
  OnCreateAndWrite: 'OnCreateAndWrite',
  /** Reading a value refreshes it too. */
  OnReadAndWrite: 'OnReadAndWrite',
} as const;
export type TtlUpdateType = (typeof TtlUpdateType)[keyof typeof TtlUpdateType];

/** Whether a read may see a value that has expired but was not removed yet. */
export const TtlStateVisibility = {
  /** An expired value that is still stored is returned (once: the read removes it). */
  ReturnExpiredIfNotCleanedUp: 'ReturnExpiredIfNotCleanedUp',
  /** An expired value reads as absent (Flink's default). */
  NeverReturnExpired: 'NeverReturnExpired',
} as const;
export type TtlStateVisibility = (typeof TtlStateVisibility)[keyof typeof TtlStateVisibility];

/** The time TTL is measured in; only processing time, as in Flink. */
export const TtlTimeCharacteristic = {
  ProcessingTime: 'ProcessingTime',
} as const;
export type TtlTimeCharacteristic = (typeof TtlTimeCharacteristic)[keyof typeof TtlTimeCharacteristic];

/** How expired values are removed besides the lazy removal on read. */
export class CleanupStrategies {
  constructor(
    /** Expired values are left out of full (checkpoint and savepoint) snapshots. */
    readonly fullSnapshot: boolean,
    /** Flink's default background cleanup; kept as configuration (Freshet cleans up on read). */
    readonly inBackground: boolean,
  ) {}

  inFullSnapshot(): boolean {
    return this.fullSnapshot;
  }

  isCleanupInBackground(): boolean {
    return this.inBackground;
  }
}

export interface StateTtlConfigSettings {
  readonly ttl: number;
  readonly updateType: TtlUpdateType;
  readonly stateVisibility: TtlStateVisibility;
  readonly ttlTimeCharacteristic: TtlTimeCharacteristic;
  readonly cleanupStrategies: CleanupStrategies;
}

export class StateTtlConfig {
  static readonly UpdateType = TtlUpdateType;
  static readonly StateVisibility = TtlStateVisibility;
  static readonly TtlTimeCharacteristic = TtlTimeCharacteristic;

  /** No time-to-live: what every state descriptor starts with. */
  static readonly DISABLED: StateTtlConfig = new StateTtlConfig({
    ttl: Number.MAX_SAFE_INTEGER,
    updateType: TtlUpdateType.Disabled,
    stateVisibility: TtlStateVisibility.NeverReturnExpired,
    ttlTimeCharacteristic: TtlTimeCharacteristic.ProcessingTime,
    cleanupStrategies: new CleanupStrategies(false, true),
  });

  /** The time-to-live in milliseconds. */
  readonly ttl: number;
  readonly updateType: TtlUpdateType;
  readonly stateVisibility: TtlStateVisibility;
  readonly ttlTimeCharacteristic: TtlTimeCharacteristic;
  readonly cleanupStrategies: CleanupStrategies;

  /** Prefer `StateTtlConfig.newBuilder(ttl)`. */
  constructor(settings: StateTtlConfigSettings) {
    this.ttl = checkedTtl(settings.ttl);
    this.updateType = checkedMember(TtlUpdateType, settings.updateType, 'update type');
    this.stateVisibility = checkedMember(TtlStateVisibility, settings.stateVisibility, 'state visibility');
    this.ttlTimeCharacteristic = checkedMember(
      TtlTimeCharacteristic,
      settings.ttlTimeCharacteristic,
      'time characteristic',
    );
    this.cleanupStrategies = settings.cleanupStrategies;
    Object.freeze(this);
  }

  /** A builder with Flink's defaults: OnCreateAndWrite, NeverReturnExpired, processing time. */
  static newBuilder(ttl: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }

  /** False only for UpdateType.Disabled (StateTtlConfig.DISABLED). */
  isEnabled(): boolean {
    return this.updateType !== TtlUpdateType.Disabled;
  }

  getTtl(): number {
    return this.ttl;
  }

  getUpdateType(): TtlUpdateType {
    return this.updateType;
  }

  getStateVisibility(): TtlStateVisibility {
    return this.stateVisibility;
  }

  getTtlTimeCharacteristic(): TtlTimeCharacteristic {
    return this.ttlTimeCharacteristic;
  }

  getCleanupStrategies(): CleanupStrategies {
    return this.cleanupStrategies;
  }

  toString(): string {
    return (
      `StateTtlConfig{updateType=${this.updateType}, stateVisibility=${this.stateVisibility}, ` +
      `ttlTimeCharacteristic=${this.ttlTimeCharacteristic}, ttl=${this.ttl}ms, ` +
      `cleanupFullSnapshot=${this.cleanupStrategies.fullSnapshot}, ` +
      `cleanupInBackground=${this.cleanupStrategies.inBackground}}`
    );
  }
}

export class StateTtlConfigBuilder {
  private ttl: number;
  private updateType: TtlUpdateType = TtlUpdateType.OnCreateAndWrite;
  private stateVisibility: TtlStateVisibility = TtlStateVisibility.NeverReturnExpired;
  private ttlTimeCharacteristic: TtlTimeCharacteristic = TtlTimeCharacteristic.ProcessingTime;
  private fullSnapshot = false;
  private inBackground = true;

  constructor(ttl: number) {
    this.ttl = checkedTtl(ttl);
  }

  setUpdateType(updateType: TtlUpdateType): this {
    this.updateType = checkedMember(TtlUpdateType, updateType, 'update type');
    return this;
  }

  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType(TtlUpdateType.OnCreateAndWrite);
  }

  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType(TtlUpdateType.OnReadAndWrite);
  }

  setStateVisibility(stateVisibility: TtlStateVisibility): this {
    this.stateVisibility = checkedMember(TtlStateVisibility, stateVisibility, 'state visibility');
    return this;
  }

  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility(TtlStateVisibility.ReturnExpiredIfNotCleanedUp);
  }

  neverReturnExpired(): this {
    return this.setStateVisibility(TtlStateVisibility.NeverReturnExpired);
  }

  setTtlTimeCharacteristic(ttlTimeCharacteristic: TtlTimeCharacteristic): this {
    this.ttlTimeCharacteristic = checkedMember(
      TtlTimeCharacteristic,
      ttlTimeCharacteristic,
      'time characteristic',
    );
    return this;
  }

  useProcessingTime(): this {
    return this.setTtlTimeCharacteristic(TtlTimeCharacteristic.ProcessingTime);
  }

  /** Leaves expired values out of checkpoint and savepoint snapshots (live state is not changed). */
  cleanupFullSnapshot(): this {
    this.fullSnapshot = true;
    return this;
  }

  disableCleanupInBackground(): this {
    this.inBackground = false;
    return this;
  }

  setTtl(ttl: number): this {
    this.ttl = checkedTtl(ttl);
    return this;
  }

  build(): StateTtlConfig {
    return new StateTtlConfig({
      ttl: this.ttl,
      updateType: this.updateType,
      stateVisibility: this.stateVisibility,
      ttlTimeCharacteristic: this.ttlTimeCharacteristic,
      cleanupStrategies: new CleanupStrategies(this.fullSnapshot, this.inBackground),
    });
  }
}

function checkedTtl(ttl: number): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new UserError(
      'INVALID_STATE_TTL',
      `the state time-to-live must be a positive number of milliseconds (e.g. Time.minutes(5)), got ${String(ttl)}`,
    );
  }
  return ttl;
}

function checkedMember<T extends string>(options: Readonly<Record<string, T>>, value: T, what: string): T {
  if (!Object.values(options).includes(value)) {
    throw new UserError(
      'INVALID_STATE_TTL_CONFIG',
      `unknown state TTL ${what} ${JSON.stringify(value)}; use one of ${Object.values(options).join(', ')}`,
    );
  }
  return value;
}
