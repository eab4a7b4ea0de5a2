/**
 * The event-time timers of the window operator's specialised plans: per timestamp the windows due
 * then, in the order their timers were registered — the order InternalTimerService fires timers of
 * equal timestamp in. A plan's windows have one timer each, so an item stands for its timer.
 */
export class WindowTimers<T> {
  /** Timestamp → the items due then; a removed timer leaves `undefined` in its place. */
  private readonly buckets = new Map<number, Array<T | undefined>>();
  /** The timestamps of `buckets`, ascending. */
  private readonly times: number[] = [];

  /** Queues `item` at `time`, after the items already due then; returns its place for `remove`. */
  add(time: number, item: T): number {
    const bucket = this.buckets.get(time);
    if (bucket !== undefined) return bucket.push(item) - 1;
    this.buckets.set(time, [item]);
    const times = this.times;
    let i = times.length;
    if (i > 0 && times[i - 1]! > time) {
      // Out of order: binary search for the first later timestamp.
      let low = 0;
      let high = i - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (times[mid]! > time) high = mid;
        else low = mid + 1;
      }
      i = low;
    }
    times.splice(i, 0, time);
    return 0;
  }

  /** Removes the timer `add(time, …)` placed at `place`. */
  remove(time: number, place: number): void {
    const bucket = this.buckets.get(time);
    if (bucket !== undefined) bucket[place] = undefined;
  }

  /** Removes and visits every item due at or before `time`, earliest first. */
  fire(time: number, visit: (item: T, due: number) => void): void {
    const times = this.times;
    while (times.length > 0 && times[0]! <= time) {
      const due = times.shift()!;
      const bucket = this.buckets.get(due)!;
      this.buckets.delete(due);
      for (let i = 0; i < bucket.length; i++) {
        const item = bucket[i];
        if (item !== undefined) visit(item, due);
      }
    }
  }

  /** Visits every queued item in firing order. */
  forEach(visit: (item: T, due: number) => void): void {
    for (const due of this.times) {
      for (const item of this.buckets.get(due)!) if (item !== undefined) visit(item, due);
    }
  }
}
