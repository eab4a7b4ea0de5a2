/** Turns an element into the text of its row, delimiter included (Flink's Encoder). */
export type Encoder<T> = ((element: T) => string) | { encode(element: T): string };

/** Writes `String(element)` and a newline (Flink's SimpleStringEncoder). */
export class SimpleStringEncoder<T = unknown> {
  encode(element: T): string {
    return `${String(element)}\n`;
  }
}

/** The default encoding: `JSON.stringify(element)` and a newline (`String(element)` if JSON has none). */
export function jsonLineEncode(element: unknown): string {
  return `${JSON.stringify(element) ?? String(element)}\n`;
}

/** The encoder as a plain function. */
export function toEncodeFunction<T>(encoder: Encoder<T> | undefined): (element: T) => string {
  if (encoder === undefined) return jsonLineEncode;
  if (typeof encoder === 'function') return encoder;
  return (element) => encoder.encode(element);
}
