/**
 * The window list shared by the sliding assigners: every window of length `size` (starting at
 * `offset + k * slide`) that contains `time`, latest start first, as Flink lists them.
 */
import { TimeWindow } from '../windows/time-window.js';
import { invalidWindowArgument, requireMillis } from '../windowing-errors.js';

export function checkSlidingParameters(name: string, size: number, slide: number, offset: number): void {
  requireMillis(name, 'size', size);
  requireMillis(name, 'slide', slide);
  requireMillis(name, 'offset', offset);
  if (!(Math.abs(offset) < slide) || !(size > 0)) {
    throw invalidWindowArgument(
      `${name} parameters must satisfy abs(offset) < slide and size > 0 (got size ${size}, slide ${slide}, offset ${offset})`,
    );
  }
}

export function slidingWindowsContaining(
  time: number,
  size: number,
  slide: number,
  offset: number,
): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(time, offset, slide);
  for (let start = lastStart; start > time - size; start -= slide) {
    windows.push(TimeWindow.of(start, start + size));
  }
  return windows;
}
