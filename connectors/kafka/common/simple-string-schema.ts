/**
 * Strings as UTF-8 bytes, both ways (Flink's SimpleStringSchema): the Kafka sink serializes keys
 * and values with it, the Kafka source deserializes them. Shared by the source and sink sides.
 */
export class SimpleStringSchema {
  serialize(element: string): Uint8Array {
    return Buffer.from(element, 'utf8');
  }

  deserialize(message: Uint8Array): string {
    return Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString('utf8');
  }
}
