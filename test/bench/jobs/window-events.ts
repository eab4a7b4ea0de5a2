/** The event stream of the window benchmarks: 10 k keys, 10 events per ms, 10% out of order. */
export interface WindowEvent {
  key: number;
  ts: number;
  value: number;
}

export const WINDOW_KEYS = 10_000;
export const OUT_OF_ORDERNESS = 1_000;
/** Watermarks advance every this many events, in the job as in the hand-written loops. */
export const WATERMARK_EVERY = 1_000;

export function windowEvent(index: number): WindowEvent {
  const inOrder = Math.floor(index / 10);
  // Every 10th event is up to 500 ms late (within the watermark bound).
  const ts = index % 10 === 9 ? inOrder - ((index * 7919) % 500) : inOrder;
  return { key: (index * 7919) % WINDOW_KEYS, ts, value: index & 0xff };
}

export const sumAggregate = {
  createAccumulator: (): number => 0,
  add: (event: WindowEvent, acc: number): number => acc + event.value,
  getResult: (acc: number): number => acc,
  merge: (a: number, b: number): number => a + b,
};
