/**
 * The records of the Kafka benchmark: ~100-byte string values for the throughput runs, and values
 * that carry their send time (epoch ms, sub-ms) for the latency run, padded to the same size.
 */
export const RECORD_BYTES = 100;

const PADDING = 'x'.repeat(RECORD_BYTES);

/** Record `i` of the throughput input: `record-<i>-xxx…`, exactly RECORD_BYTES long (for i < 10^80). */
export function benchRecordValue(i: number): string {
  const head = `record-${i}-`;
  return head + PADDING.slice(head.length);
}

/** A latency record: `<sentAt>|xxx…`, RECORD_BYTES long. */
export function latencyRecordValue(sentAt: number): string {
  const head = `${sentAt.toFixed(3)}|`;
  return head + PADDING.slice(head.length);
}

/** The send time of a latency record; undefined for anything else. */
export function sentAtOf(value: string): number | undefined {
  const bar = value.indexOf('|');
  if (bar <= 0) return undefined;
  const sentAt = Number(value.slice(0, bar));
  return Number.isFinite(sentAt) ? sentAt : undefined;
}

/**
 * How many records a producer running at `perSecond` since `startedAt` should have sent by `now`,
 * minus those `sent`: the size of its next batch (never negative).
 */
export function recordsDue(perSecond: number, startedAt: number, now: number, sent: number): number {
  return Math.max(0, Math.floor(((now - startedAt) * perSecond) / 1000) - sent);
}
