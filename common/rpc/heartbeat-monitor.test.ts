import { afterEach, describe, expect, it, vi } from 'vitest';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { HeartbeatMonitor, HeartbeatScheduler } from './heartbeat-monitor.js';

function fakeClock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('HeartbeatMonitor', () => {
  it('times a target out once it has been silent for the timeout, counting from when it was added', () => {
    const clock = fakeClock();
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 300, clock: clock.now });
    monitor.monitorTarget('tm-1');
    clock.advance(299);
    expect(monitor.checkTimeouts()).toEqual([]);
    clock.advance(1);
    expect(monitor.checkTimeouts()).toEqual(['tm-1']);
  });

  it('restarts the timeout on every heartbeat', () => {
    const clock = fakeClock();
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 300, clock: clock.now });
    monitor.monitorTarget('tm-1');
    for (let i = 0; i < 10; i++) {
      clock.advance(200);
      expect(monitor.reportHeartbeat('tm-1')).toBe(true);
      expect(monitor.checkTimeouts()).toEqual([]);
    }
    expect(monitor.lastHeartbeatOf('tm-1')).toBe(clock.now());
  });

  it('reports each timed-out target exactly once and stops monitoring it', () => {
    const clock = fakeClock();
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 100, clock: clock.now });
    monitor.monitorTarget('a');
    clock.advance(50);
    monitor.monitorTarget('b');
    clock.advance(60);
    expect(monitor.checkTimeouts()).toEqual(['a']);
    expect(monitor.checkTimeouts()).toEqual([]);
    expect(monitor.isMonitored('a')).toBe(false);
    expect(monitor.reportHeartbeat('a')).toBe(false);
    expect(monitor.targets()).toEqual(['b']);
    clock.advance(40);
    expect(monitor.checkTimeouts()).toEqual(['b']);
  });

  it('decides with the time it is given', () => {
    const clock = fakeClock(0);
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 100, clock: clock.now });
    monitor.monitorTarget('a');
    expect(monitor.checkTimeouts(99)).toEqual([]);
    expect(monitor.checkTimeouts(100)).toEqual(['a']);
  });

  it('ignores heartbeats of targets it does not monitor, and forgets unmonitored ones', () => {
    const clock = fakeClock();
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 100, clock: clock.now });
    expect(monitor.reportHeartbeat('ghost')).toBe(false);
    monitor.monitorTarget('a');
    monitor.unmonitorTarget('a');
    clock.advance(1_000);
    expect(monitor.checkTimeouts()).toEqual([]);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => new HeartbeatMonitor({ timeoutMs: 0 })).toThrow(IllegalConfigurationError);
    expect(() => new HeartbeatMonitor({ timeoutMs: Number.NaN })).toThrow(
      /heartbeat.timeout must be positive/,
    );
  });
});

describe('HeartbeatScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on each tick first asks the still-monitored targets, then reports the timed-out ones', () => {
    const clock = fakeClock();
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 100, clock: clock.now });
    const events: string[] = [];
    const scheduler = new HeartbeatScheduler({
      intervalMs: 50,
      monitor,
      onTick: (targets) => events.push(`tick ${targets.join(',')}`),
      onTimeout: (id) => events.push(`lost ${id}`),
    });
    monitor.monitorTarget('a');
    monitor.monitorTarget('b');
    clock.advance(50);
    monitor.reportHeartbeat('b');
    scheduler.tick();
    clock.advance(50);
    scheduler.tick();
    expect(events).toEqual(['tick a,b', 'tick a,b', 'lost a']);
  });

  it('runs every interval once started and not after stop', () => {
    vi.useFakeTimers();
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 300 });
    let ticks = 0;
    const lost: string[] = [];
    const scheduler = new HeartbeatScheduler({
      intervalMs: 50,
      monitor,
      onTick: () => ticks++,
      onTimeout: (id) => lost.push(id),
    }).start();
    monitor.monitorTarget('tm-1');
    vi.advanceTimersByTime(250);
    expect(ticks).toBe(5);
    expect(lost).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(lost).toEqual(['tm-1']);
    scheduler.stop();
    vi.advanceTimersByTime(500);
    expect(ticks).toBe(6);
  });

  it('rejects an interval that is not positive or longer than the timeout', () => {
    const monitor = new HeartbeatMonitor<string>({ timeoutMs: 100 });
    const onTimeout = (): void => {};
    expect(() => new HeartbeatScheduler({ intervalMs: 0, monitor, onTimeout })).toThrow(
      /heartbeat.interval must be positive/,
    );
    expect(() => new HeartbeatScheduler({ intervalMs: 200, monitor, onTimeout })).toThrow(
      /heartbeat.timeout \(100 ms\) must not be smaller than heartbeat.interval \(200 ms\)/,
    );
  });
});
