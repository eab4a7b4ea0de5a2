/**
 * Value deserializers for `KafkaSource.builder().setValueOnlyDeserializer(...)` (Flink's
 * DeserializationSchema): SimpleStringSchema (in ../common), JsonDeserializationSchema and
 * ByteArrayDeserializationSchema. `deserialize` returning null or undefined skips the record.
 */
export interface DeserializationSchema<T> {
  /** Called once per reader before the first record. */
  open?(): void | Promise<void>;
  deserialize(message: Uint8Array): T | null | undefined;
}

/** JSON documents (Flink's JsonDeserializationSchema): `JSON.parse` of the UTF-8 text. */
export class JsonDeserializationSchema<T = unknown> implements DeserializationSchema<T> {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly reviver: ((key: string, value: unknown) => unknown) | undefined;

  constructor(options: { reviver?: (key: string, value: unknown) => unknown } = {}) {
    this.reviver = options.reviver;
  }

  deserialize(message: Uint8Array): T {
    return JSON.parse(this.decoder.decode(message), this.reviver) as T;
  }
}

/** The raw bytes, as a Buffer. */
export class ByteArrayDeserializationSchema implements DeserializationSchema<Buffer> {
  deserialize(message: Uint8Array): Buffer {
    return Buffer.from(message);
  }
}
