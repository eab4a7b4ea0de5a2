/**
 * The TimerService user functions get from `ctx.timerService()` (Flink's SimpleTimerService):
 * time queries always work; registering timers needs keyed timers, i.e. a keyed stream.
 */
import type { TimerService } from '../../api/functions/process-function.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { VOID_NAMESPACE } from '../state/keyed-state-backend.js';
import type { KeyedTimerService } from './keyed-timer-service.js';
import type { ProcessingTimeService } from './processing-time-service.js';

export class UserTimerService implements TimerService {
  constructor(
    private readonly keyedTimers: KeyedTimerService | undefined,
    private readonly processingTime: ProcessingTimeService,
    private readonly watermark: () => number,
  ) {}

  currentProcessingTime(): number {
    return this.processingTime.getCurrentProcessingTime();
  }
  currentWatermark(): number {
    return this.watermark();
  }
  registerEventTimeTimer(time: number): void {
    this.timers('Setting').registerEventTimeTimer(VOID_NAMESPACE, time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.timers('Setting').registerProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers('Deleting').deleteEventTimeTimer(VOID_NAMESPACE, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers('Deleting').deleteProcessingTimeTimer(VOID_NAMESPACE, time);
  }

  private timers(action: 'Setting' | 'Deleting'): KeyedTimerService {
    if (this.keyedTimers === undefined) {
      throw new UserError(
        'TIMERS_ON_NON_KEYED_STREAM',
        `${action} timers is only supported on a keyed streams (after keyBy())`,
      );
    }
    return this.keyedTimers;
  }
}
