import type { SerializationSchema } from './serialization-schema.js';

/**
 * Serializes elements as UTF-8 JSON (Flink's JsonSerializationSchema). `toJson` maps an element to
 * the value to stringify first (default: the element itself).
 */
export class JsonSerializationSchema<T> implements SerializationSchema<T> {
  private readonly toJson: ((element: T) => unknown) | undefined;

  constructor(toJson?: (element: T) => unknown) {
    this.toJson = toJson;
  }

  serialize(element: T): Uint8Array {
    const value = this.toJson === undefined ? element : this.toJson(element);
    const text = JSON.stringify(value);
    if (text === undefined) {
      throw new TypeError(
        `JsonSerializationSchema cannot serialize ${String(value)} (JSON.stringify gave nothing)`,
      );
    }
    return Buffer.from(text, 'utf8');
  }
}
