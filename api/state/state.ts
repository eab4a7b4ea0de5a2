/**
 * Keyed state as job authors see it (Flink's method names). Access is synchronous and scoped to the
 * key of the record (or timer) being processed; a value never written reads as `undefined`.
 */
export interface State {
  clear(): void;
}

export interface ValueState<T> extends State {
  value(): T | undefined;
  update(value: T | undefined): void;
}

export interface ListState<T> extends State {
  /** The elements in insertion order (an empty array when nothing was added). */
  get(): T[];
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  update(values: Iterable<T>): void;
}

export interface MapState<K, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  isEmpty(): boolean;
}

export interface ReducingState<T> extends State {
  get(): T | undefined;
  add(value: T): void;
}

export interface AggregatingState<IN, OUT> extends State {
  get(): OUT | undefined;
  add(value: IN): void;
}
