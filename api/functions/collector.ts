/** Receives the records a function emits (Flink's Collector). */
export interface Collector<T> {
  collect(record: T): void;
  close?(): void;
}
