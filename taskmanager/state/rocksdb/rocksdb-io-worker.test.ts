import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRocksDBIo } from './rocksdb-io-service.js';
import { RocksDBInstance } from './rocksdb-instance.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function until(condition: () => boolean, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the RocksDB I/O thread', () => {
  it("closes and deletes a client's database when the client's line goes away without closing it", async () => {
    const root = mkdtempSync(join(tmpdir(), 'freshet-rocksdb-io-'));
    roots.push(root);
    const location = join(root, 'db');
    const connection = connectRocksDBIo();
    const instance = await RocksDBInstance.open(location, connection);
    instance.write({ keys: [new Uint8Array([0, 1, 0, 1, 1, 7])], values: [new Uint8Array([42])] });
    await instance.flushed();
    expect(existsSync(join(location, 'CURRENT'))).toBe(true);
    connection.port.close(); // as when a slot worker thread ends
    await until(() => !existsSync(location), 10_000);
  });

  it('serves several lines at once, each with its own database', async () => {
    const root = mkdtempSync(join(tmpdir(), 'freshet-rocksdb-io-'));
    roots.push(root);
    const a = await RocksDBInstance.open(join(root, 'a'));
    const b = await RocksDBInstance.open(join(root, 'b'));
    const key = new Uint8Array([0, 0, 0, 1, 1, 1]);
    a.write({ keys: [key], values: [new Uint8Array([1])] });
    b.write({ keys: [key], values: [new Uint8Array([2])] });
    await Promise.all([a.flushed(), b.flushed()]);
    expect([...a.getManySync([key])[0]!]).toEqual([1]);
    expect([...b.getManySync([key])[0]!]).toEqual([2]);
    await Promise.all([a.close(), b.close()]);
    expect(existsSync(join(root, 'a'))).toBe(false);
  });
});
