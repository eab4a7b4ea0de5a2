import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../common/protocol/record-batch-codec.js';
import { networkRecord } from './jobs/network-records.js';
import { runRawBaseline } from './network-raw-baseline.js';

describe('network bench records', () => {
  it('are about 100 bytes each in a batch encoded by the data plane codec', () => {
    const values = Array.from({ length: 300 }, (_, i) => networkRecord(i + 5_000_000));
    const perRecord = encodeBatch(values, null).byteLength / values.length;
    expect(perRecord).toBeGreaterThan(90);
    expect(perRecord).toBeLessThan(110);
  });
});

// Forks the compiled receiver (dist/test/bench), like the cluster tests use the compiled CLI.
describe('runRawBaseline', () => {
  it('moves every record to the receiver process, which decodes all of them', async () => {
    const count = 50_000;
    const result = await runRawBaseline(count);
    expect(result.records).toBe(count);
    // ~100 bytes per record plus the batch headers: all batches arrived whole.
    expect(result.bytes / count).toBeGreaterThan(90);
    expect(result.bytes / count).toBeLessThan(110);
    expect(result.ms).toBeGreaterThan(0);
  });
});
