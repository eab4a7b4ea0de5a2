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
    if (this.shutDown) return () => {};
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.shutDown) return;
        try {
          callback(time);
        } catch (error) {
          this.onError(error);
        }
      },
      Math.max(0, time - this.clock()),
    );
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  shutdown(): void {
    this.shutDown = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
