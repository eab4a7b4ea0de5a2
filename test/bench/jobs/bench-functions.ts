/** The per-record work shared by the benchmark jobs and their hand-written baselines. */
export interface BenchEvent {
  key: number;
  value: number;
}

export const KEYS = 10_000;

export function benchGenerator(index: number): BenchEvent {
  return { key: index % KEYS, value: index & 0xff };
}

export function benchMap(event: BenchEvent): BenchEvent {
  return { key: event.key, value: event.value * 2 };
}

export function benchFilter(event: BenchEvent): boolean {
  return (event.value & 3) !== 2;
}
