/**
 * Heartbeat bookkeeping (Flink's HeartbeatMonitor): when did each target last show it is alive,
 * and which targets have been silent for `heartbeat.timeout`. The decision is pure and driven by
 * an injected clock; {@link HeartbeatScheduler} is the thin timer that runs it every
 * `heartbeat.interval`.
 */
import { IllegalConfigurationError } from '../errors/freshet-error.js';

export interface HeartbeatMonitorOptions {
  /** `heartbeat.timeout`: a target silent for this long is timed out. */
  readonly timeoutMs: number;
  readonly clock?: () => number;
}

export class HeartbeatMonitor<Id> {
  readonly timeoutMs: number;
  private readonly clock: () => number;
  private readonly lastHeartbeat = new Map<Id, number>();

  constructor(options: HeartbeatMonitorOptions) {
    if (!(options.timeoutMs > 0)) {
      throw new IllegalConfigurationError(`heartbeat.timeout must be positive, was ${options.timeoutMs} ms`);
    }
    this.timeoutMs = options.timeoutMs;
    this.clock = options.clock ?? Date.now;
  }

  /** Starts watching a target; being added counts as its first heartbeat. */
  monitorTarget(id: Id): void {
    this.lastHeartbeat.set(id, this.clock());
  }

  unmonitorTarget(id: Id): void {
    this.lastHeartbeat.delete(id);
  }

  isMonitored(id: Id): boolean {
    return this.lastHeartbeat.has(id);
  }

  targets(): Id[] {
    return [...this.lastHeartbeat.keys()];
  }

  lastHeartbeatOf(id: Id): number | undefined {
    return this.lastHeartbeat.get(id);
  }

  /** Records a sign of life; returns false (and changes nothing) for a target not monitored. */
  reportHeartbeat(id: Id): boolean {
    if (!this.lastHeartbeat.has(id)) return false;
    this.lastHeartbeat.set(id, this.clock());
    return true;
  }

  /**
   * The targets silent for at least the timeout at `now`. They stop being monitored, so each loss
   * is reported exactly once.
   */
  checkTimeouts(now: number = this.clock()): Id[] {
    const timedOut: Id[] = [];
    for (const [id, last] of this.lastHeartbeat) {
      if (now - last >= this.timeoutMs) timedOut.push(id);
    }
    for (const id of timedOut) this.lastHeartbeat.delete(id);
    return timedOut;
  }
}

export interface HeartbeatSchedulerOptions<Id> {
  /** `heartbeat.interval`. */
  readonly intervalMs: number;
  readonly monitor: HeartbeatMonitor<Id>;
  /** Runs first on every tick, with the targets still monitored (e.g. to send heartbeat requests). */
  readonly onTick?: (targets: readonly Id[]) => void;
  /** Called once per target that timed out. */
  readonly onTimeout: (id: Id) => void;
}

/** Runs the monitor's check every interval on an unref'd timer (it never keeps the process alive). */
export class HeartbeatScheduler<Id> {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HeartbeatSchedulerOptions<Id>) {
    const { intervalMs, monitor } = options;
    if (!(intervalMs > 0)) {
      throw new IllegalConfigurationError(`heartbeat.interval must be positive, was ${intervalMs} ms`);
    }
    if (monitor.timeoutMs < intervalMs) {
      throw new IllegalConfigurationError(
        `heartbeat.timeout (${monitor.timeoutMs} ms) must not be smaller than heartbeat.interval (${intervalMs} ms)`,
      );
    }
  }

  start(): this {
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), this.options.intervalMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: the tick hook, then the timeout check. Public so tests can drive it directly. */
  tick(): void {
    this.options.onTick?.(this.options.monitor.targets());
    for (const id of this.options.monitor.checkTimeouts()) this.options.onTimeout(id);
  }
}
