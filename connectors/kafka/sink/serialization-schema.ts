/**
 * Turns an element into the bytes of a Kafka record's key or value (Flink's SerializationSchema).
 * `null` is a record without a key, or a tombstone value.
 */
export interface SerializationSchema<T> {
  /** Called once per writer before the first `serialize`. */
  open?(): void;
  serialize(element: T): Uint8Array | null;
}
