/**
 * A fixed-size latency histogram for the network benchmark's sink: 10 µs buckets below 100 ms,
 * 1 ms buckets from there to 100 s (anything longer counts as 100 s), so recording millions of
 * latencies takes constant memory and percentiles are exact to the bucket width.
 */
const FINE_WIDTH_MS = 0.01;
const FINE_LIMIT_MS = 100;
const COARSE_WIDTH_MS = 1;
const COARSE_LIMIT_MS = 100_000;
const FINE_BUCKETS = Math.round(FINE_LIMIT_MS / FINE_WIDTH_MS);
const COARSE_BUCKETS = Math.round((COARSE_LIMIT_MS - FINE_LIMIT_MS) / COARSE_WIDTH_MS);

export class LatencyHistogram {
  private readonly buckets = new Uint32Array(FINE_BUCKETS + COARSE_BUCKETS);
  private total = 0;
  private maxMs = 0;

  record(latencyMs: number): void {
    const ms = latencyMs > 0 ? latencyMs : 0;
    const bucket =
      ms < FINE_LIMIT_MS
        ? Math.floor(ms / FINE_WIDTH_MS)
        : Math.min(
            FINE_BUCKETS + Math.floor((ms - FINE_LIMIT_MS) / COARSE_WIDTH_MS),
            this.buckets.length - 1,
          );
    this.buckets[bucket]!++;
    this.total++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  /**
   * The upper edge of the bucket holding the `p`-quantile (0 < p <= 1), at most the largest value
   * recorded (which it is for the last, open-ended bucket); NaN when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(p * this.total));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank)
        return i === this.buckets.length - 1 ? this.maxMs : Math.min(upperEdge(i), this.maxMs);
    }
    return this.maxMs;
  }
}

function upperEdge(bucket: number): number {
  return bucket < FINE_BUCKETS
    ? (bucket + 1) * FINE_WIDTH_MS
    : FINE_LIMIT_MS + (bucket - FINE_BUCKETS + 1) * COARSE_WIDTH_MS;
}
