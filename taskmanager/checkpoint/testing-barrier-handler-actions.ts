/**
 * A test fake for BarrierHandlerActions: records every call as a short line ("block 0", "resume",
 * "trigger 3", "abort 3: subsumed by newer checkpoint", "finish-channel-state 3 1",
 * "channel-state-complete 3") and keeps the set of channels it was told to block.
 */
import type { UnalignedBarrierHandlerActions } from './barrier-handler-actions.js';
import type { CheckpointAlignment, CheckpointBarrier, CheckpointType } from './checkpoint-barrier.js';
import { checkpointBarrier } from './checkpoint-barrier.js';

export class TestingBarrierHandlerActions implements UnalignedBarrierHandlerActions {
  readonly calls: string[] = [];
  readonly blocked = new Set<number>();
  readonly triggered: CheckpointBarrier[] = [];

  blockChannel(channelIndex: number): void {
    this.blocked.add(channelIndex);
    this.calls.push(`block ${channelIndex}`);
  }

  resumeChannels(): void {
    this.blocked.clear();
    this.calls.push('resume');
  }

  triggerCheckpoint(barrier: CheckpointBarrier): void {
    this.triggered.push(barrier);
    this.calls.push(`trigger ${barrier.checkpointId}`);
  }

  abortCheckpoint(checkpointId: number, reason: string): void {
    this.calls.push(`abort ${checkpointId}: ${reason}`);
  }

  finishChannelState(checkpointId: number, channelIndex: number): void {
    this.calls.push(`finish-channel-state ${checkpointId} ${channelIndex}`);
  }

  channelStateComplete(checkpointId: number): void {
    this.calls.push(`channel-state-complete ${checkpointId}`);
  }

  /** Returns the calls recorded since the last take and forgets them. */
  take(): string[] {
    return this.calls.splice(0);
  }
}

/** A barrier for tests; the timestamp defaults to 0. */
export function testingBarrier(
  checkpointId: number,
  alignment: CheckpointAlignment = 'aligned',
  options: { timestamp?: number; checkpointType?: CheckpointType } = {},
): CheckpointBarrier {
  return checkpointBarrier(checkpointId, options.timestamp ?? 0, {
    checkpointType: options.checkpointType ?? 'checkpoint',
    alignment,
    targetLocation: `memory://chk-${checkpointId}`,
  });
}

/** A hand-driven clock (epoch ms). */
export class TestingClock {
  constructor(public now = 0) {}
  readonly clock = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}
