/**
 * The records of the network benchmark, shared by its jobs and its raw TCP baseline: ~100 bytes
 * each when msgpackr-encoded in a batch (the data plane's encoding), stamped with the wall-clock
 * time at which they were generated.
 */
export interface NetworkRecord {
  id: number;
  key: string;
  /** Wall-clock milliseconds (sub-millisecond resolution) at generation; see wallClockMillis. */
  ts: number;
  payload: string;
}

export const NETWORK_KEYS = 10_000;
const PAYLOAD_LENGTH = 75;
const PAYLOAD_VARIANTS = 64;

const keys: string[] = Array.from({ length: NETWORK_KEYS }, (_, i) => `key-${i}`);
const payloads: string[] = Array.from({ length: PAYLOAD_VARIANTS }, (_, v) => {
  let text = '';
  for (let i = 0; i < PAYLOAD_LENGTH; i++) text += String.fromCharCode(97 + ((v * 31 + i * 7) % 26));
  return text;
});

/**
 * Epoch milliseconds with sub-millisecond resolution. Every process and worker thread on this
 * machine derives it from the same clocks, so stamps from one process can be compared in another.
 */
export function wallClockMillis(): number {
  return performance.timeOrigin + performance.now();
}

export function networkRecord(index: number): NetworkRecord {
  return {
    id: index,
    key: keys[index % NETWORK_KEYS]!,
    ts: wallClockMillis(),
    payload: payloads[index % PAYLOAD_VARIANTS]!,
  };
}
