/**
 * Binds an InternalTimerService to a keyed operator: timers are registered under the current key
 * (and its key group), event-time timers fire as the watermark advances, processing-time timers
 * through the task's ProcessingTimeService; before a timer fires, its key becomes current.
 */
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { ProcessingTimeService } from './processing-time-service.js';
import type { KeyGroupRange } from '../../common/key-groups.js';
import {
  InternalTimerService,
  type InternalTimer,
  type InternalTimersSnapshot,
} from './windowing/internal-timer-service.js';

export class KeyedTimerService {
  readonly timers = new InternalTimerService<unknown>();
  private scheduledAt: number | undefined;
  /** Backends that read state asynchronously fetch the state of due timers before they fire. */
  private readonly prefetch: ((due: readonly InternalTimer[]) => void) | undefined;
  private cancelScheduled: (() => void) | undefined;

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly processingTime: ProcessingTimeService,
    private readonly onEventTime: (timer: InternalTimer) => void,
    private readonly onProcessingTime: (timer: InternalTimer) => void,
    /** The operator's registry of timer services, which checkpoints snapshot and restore. */
    registry?: KeyedTimerService[],
  ) {
    registry?.push(this);
    if (backend.prefetch !== undefined) this.prefetch = (due) => backend.prefetch!(due);
  }

  /** Adds restored timers (of the key groups in `range`) and schedules the processing-time ones. */
  restore(snapshot: InternalTimersSnapshot, range: KeyGroupRange): void {
    this.timers.restore(snapshot, range);
    this.schedule();
  }

  currentWatermark(): number {
    return this.timers.currentWatermark();
  }

  registerEventTimeTimer(namespace: string, time: number): void {
    this.timers.registerEventTimeTimer(
      this.backend.getCurrentKey(),
      this.backend.getCurrentKeyGroupIndex(),
      namespace,
      time,
    );
  }

  deleteEventTimeTimer(namespace: string, time: number): void {
    this.timers.deleteEventTimeTimer(
      this.backend.getCurrentKey(),
      this.backend.getCurrentKeyGroupIndex(),
      namespace,
      time,
    );
  }

  registerProcessingTimeTimer(namespace: string, time: number): void {
    this.timers.registerProcessingTimeTimer(
      this.backend.getCurrentKey(),
      this.backend.getCurrentKeyGroupIndex(),
      namespace,
      time,
    );
    this.schedule();
  }

  deleteProcessingTimeTimer(namespace: string, time: number): void {
    this.timers.deleteProcessingTimeTimer(
      this.backend.getCurrentKey(),
      this.backend.getCurrentKeyGroupIndex(),
      namespace,
      time,
    );
  }

  advanceWatermark(watermark: number): void {
    this.timers.advanceWatermark(
      watermark,
      (timer) => {
        this.backend.setCurrentKey(timer.key, timer.keyGroup);
        this.onEventTime(timer);
      },
      this.prefetch,
    );
  }

  private schedule(): void {
    const next = this.timers.nextProcessingTime();
    if (next === undefined || (this.scheduledAt !== undefined && this.scheduledAt <= next)) return;
    this.cancelScheduled?.();
    this.scheduledAt = next;
    // As Flink: a wake-up for time T fires the timers up to T; the service calls it once the
    // clock is past T, so a timer never sees a clock at or before its own time.
    this.cancelScheduled = this.processingTime.registerTimer(next, (now) => {
      this.scheduledAt = undefined;
      this.cancelScheduled = undefined;
      this.timers.onProcessingTime(
        now,
        (timer) => {
          this.backend.setCurrentKey(timer.key, timer.keyGroup);
          this.onProcessingTime(timer);
        },
        this.prefetch,
      );
      this.schedule();
    });
  }
}
