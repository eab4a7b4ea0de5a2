import { describe, expect, it } from 'vitest';
import { Time } from '../common/time.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from './state-descriptor.js';
import { StateTtlConfig, TtlStateVisibility, TtlUpdateType } from './state-ttl-config.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('StateTtlConfig', () => {
  it("builds with Flink's defaults: OnCreateAndWrite, NeverReturnExpired, processing time, background cleanup", () => {
    const config = StateTtlConfig.newBuilder(Time.seconds(5)).build();
    expect(config.isEnabled()).toBe(true);
    expect(config.getTtl()).toBe(5000);
    expect(config.getUpdateType()).toBe(StateTtlConfig.UpdateType.OnCreateAndWrite);
    expect(config.getStateVisibility()).toBe(StateTtlConfig.StateVisibility.NeverReturnExpired);
    expect(config.getTtlTimeCharacteristic()).toBe(StateTtlConfig.TtlTimeCharacteristic.ProcessingTime);
    expect(config.getCleanupStrategies().inFullSnapshot()).toBe(false);
    expect(config.getCleanupStrategies().isCleanupInBackground()).toBe(true);
  });

  it('takes every setting through the builder, by value or by the named shortcuts', () => {
    const byValue = StateTtlConfig.newBuilder(100)
      .setUpdateType(TtlUpdateType.OnReadAndWrite)
      .setStateVisibility(TtlStateVisibility.ReturnExpiredIfNotCleanedUp)
      .cleanupFullSnapshot()
      .disableCleanupInBackground()
      .setTtl(250)
      .build();
    expect(byValue.ttl).toBe(250);
    expect(byValue.updateType).toBe('OnReadAndWrite');
    expect(byValue.stateVisibility).toBe('ReturnExpiredIfNotCleanedUp');
    expect(byValue.cleanupStrategies.fullSnapshot).toBe(true);
    expect(byValue.cleanupStrategies.inBackground).toBe(false);

    const shortcuts = StateTtlConfig.newBuilder(100)
      .updateTtlOnReadAndWrite()
      .returnExpiredIfNotCleanedUp()
      .useProcessingTime()
      .build();
    expect(shortcuts.updateType).toBe('OnReadAndWrite');
    expect(shortcuts.stateVisibility).toBe('ReturnExpiredIfNotCleanedUp');
    const back = StateTtlConfig.newBuilder(100)
      .updateTtlOnReadAndWrite()
      .updateTtlOnCreateAndWrite()
      .returnExpiredIfNotCleanedUp()
      .neverReturnExpired()
      .build();
    expect(back.updateType).toBe('OnCreateAndWrite');
    expect(back.stateVisibility).toBe('NeverReturnExpired');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number])(
    'refuses a TTL of %s with a clear error',
    (ttl) => {
      const error = thrown(() => StateTtlConfig.newBuilder(ttl));
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('INVALID_STATE_TTL');
      expect((error as UserError).message).toContain('positive number of milliseconds');
      expect(() => StateTtlConfig.newBuilder(10).setTtl(ttl)).toThrow(/positive number of milliseconds/);
    },
  );

  it('refuses an unknown update type or visibility', () => {
    const builder = StateTtlConfig.newBuilder(10);
    expect(() => builder.setUpdateType('OnRead' as TtlUpdateType)).toThrow(/unknown state TTL update type/);
    expect(() => builder.setStateVisibility('Always' as TtlStateVisibility)).toThrow(
      /unknown state TTL state visibility/,
    );
  });

  it('DISABLED is not enabled, and a built config cannot be changed afterwards', () => {
    expect(StateTtlConfig.DISABLED.isEnabled()).toBe(false);
    const config = StateTtlConfig.newBuilder(10).build();
    expect(() => {
      (config as { ttl: number }).ttl = 1;
    }).toThrow(TypeError);
    expect(config.toString()).toContain('ttl=10ms');
  });
});

describe('StateDescriptor.enableTimeToLive', () => {
  it('starts disabled and keeps the config given, on every descriptor kind', () => {
    const config = StateTtlConfig.newBuilder(Time.minutes(1)).build();
    const value = new ValueStateDescriptor<number>('v', 0);
    expect(value.ttlConfig).toBe(StateTtlConfig.DISABLED);
    expect(value.enableTimeToLive(config)).toBe(value);
    expect(value.ttlConfig).toBe(config);
    expect(value.getTtlConfig()).toBe(config);
    expect(value.defaultValue).toBe(0);
    const list = new ListStateDescriptor<number>('l');
    list.enableTimeToLive(config);
    expect(list.ttlConfig.getTtl()).toBe(60_000);
    const map = new MapStateDescriptor<string, number>('m').enableTimeToLive(StateTtlConfig.DISABLED);
    expect(map.ttlConfig.isEnabled()).toBe(false);
  });

  it('refuses something that is not a StateTtlConfig, naming the state', () => {
    const d = new ValueStateDescriptor<number>('lastSeen');
    const error = thrown(() => d.enableTimeToLive({ ttl: 5 } as unknown as StateTtlConfig));
    expect((error as UserError).code).toBe('INVALID_STATE_TTL_CONFIG');
    expect((error as UserError).message).toContain("'lastSeen'");
    expect(d.ttlConfig).toBe(StateTtlConfig.DISABLED);
  });
});
