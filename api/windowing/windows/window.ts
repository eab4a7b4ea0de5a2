/**
 * A window: a finite slice of a stream that elements are grouped into (Flink's Window). Every
 * window knows the largest timestamp that still belongs to it; event-time triggers fire when the
 * watermark passes it and window results carry it as their timestamp.
 */
export abstract class Window {
  /** The largest timestamp that still belongs to this window. */
  abstract maxTimestamp(): number;

  /** Value equality: two windows covering the same span are the same window. */
  abstract equals(other: unknown): boolean;

  /** A readable form for logs and error messages. */
  abstract toString(): string;
}
