/**
 * Processing-time callbacks for operators (Flink's ProcessingTimeService). Callbacks run on the
 * task's thread between buffers — the task loop never yields in the middle of one — and stop
 * when the task ends. The clock is injectable.
 */
export interface ProcessingTimeService {
  getCurrentProcessingTime(): number;
  /** Runs `callback(time)` once the clock reaches `time`; returns a cancel function. */
  registerTimer(time: number, callback: (time: number) => void): () => void;
}

export class TaskProcessingTimeService implements ProcessingTimeService {
  private readonly timers = new Set<NodeJS.Timeout>();
  private shutDown = false;

  constructor(
    private readonly clock: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  getCurrentProcessingTime(): number {
    return this.clock();
  }

  registerTimer(time: number, callback: (time: number) => void): () => void {
    let cancelled = false;
    let current: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (this.shutDown || cancelled) return;
      // A timer for `time` fires once the clock is past it (setTimeout may wake a little early).
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (this.shutDown || cancelled) return;
          if (this.clock() <= time) {
            arm();
            return;
          }
          try {
            callback(time);
          } catch (error) {
            this.onError(error);
          }
        },
        Math.max(0, time - this.clock() + 1),
      );
      timer.unref();
      this.timers.add(timer);
      current = timer;
    };
    arm();
    return () => {
      cancelled = true;
      if (current !== undefined) {
        clearTimeout(current);
        this.timers.delete(current);
      }
    };
  }

  shutdown(): void {
    this.shutDown = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
