import { describe, expect, it } from 'vitest';
import { OperatorEventValve } from './operator-event-valve.js';

describe('OperatorEventValve', () => {
  it('holds events from a checkpoint snapshot until its barriers are injected, then sends them in order', () => {
    const delivered: string[] = [];
    const valve = new OperatorEventValve<string>((subtask, event) => delivered.push(`${subtask}:${event}`));
    valve.send(0, 'before');
    valve.markForCheckpoint(7);
    valve.send(1, 'after-1');
    valve.send(0, 'after-2');
    expect(delivered).toEqual(['0:before']);
    expect(valve.numberOfHeldEvents).toBe(2);
    valve.openAfter(7);
    expect(delivered).toEqual(['0:before', '1:after-1', '0:after-2']);
    expect(valve.isOpen).toBe(true);
  });

  it('stays closed while another checkpoint waits for its barriers', () => {
    const delivered: string[] = [];
    const valve = new OperatorEventValve<string>((_, event) => delivered.push(event));
    valve.markForCheckpoint(1);
    valve.markForCheckpoint(2);
    valve.send(0, 'x');
    valve.openAfter(1);
    expect(delivered).toEqual([]);
    valve.openAfter(2);
    expect(delivered).toEqual(['x']);
    // An unknown (e.g. aborted earlier) checkpoint changes nothing.
    valve.openAfter(3);
    expect(valve.isOpen).toBe(true);
  });

  it('drops what it holds on reset (a failover)', () => {
    const delivered: string[] = [];
    const valve = new OperatorEventValve<string>((_, event) => delivered.push(event));
    valve.markForCheckpoint(1);
    valve.send(0, 'stale');
    valve.reset();
    valve.openAfter(1);
    valve.send(0, 'fresh');
    expect(delivered).toEqual(['fresh']);
  });
});
