import { describe, expect, it } from 'vitest';
import { TestingSchedulerTimer } from '../scheduler/testing-scheduler-timer.js';
import { PeriodicCheckpointScheduler } from './periodic-checkpoint-scheduler.js';

describe('PeriodicCheckpointScheduler', () => {
  it('ticks every interval from start, can be moved, and stops', () => {
    const timer = new TestingSchedulerTimer(0);
    const ticks: number[] = [];
    const scheduler = new PeriodicCheckpointScheduler(timer, 100, () => ticks.push(timer.now));
    scheduler.start();
    timer.advance(250);
    expect(ticks).toEqual([100, 200]);
    scheduler.rescheduleAfter(30);
    timer.advance(200);
    expect(ticks).toEqual([100, 200, 280, 380]);
    scheduler.stop();
    scheduler.rescheduleAfter(10);
    timer.advance(1_000);
    expect(ticks).toHaveLength(4);
    expect(scheduler.isRunning).toBe(false);
  });
});
