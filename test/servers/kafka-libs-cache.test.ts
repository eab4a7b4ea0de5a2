import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, it } from 'vitest';

import { DEFAULT_KAFKA_VERSION, ensureKafkaLibs } from '../support/kafka-libs.js';
import { describeWithServer, type ServerAvailability } from '../support/server-availability.js';
import { findExecutable } from '../support/server-process.js';

function mavenAvailable(): ServerAvailability {
  return findExecutable(['mvn']) !== undefined ? { ok: true } : { ok: false, reason: 'mvn not found' };
}

describeWithServer('Kafka jar cache (Maven)', mavenAvailable, () => {
  it('fetches the jars once when two callers race for an empty cache', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'freshet-kafka-cache-'));
    const previous = process.env.FRESHET_KAFKA_CACHE;
    process.env.FRESHET_KAFKA_CACHE = cache;
    try {
      const results = await Promise.all([ensureKafkaLibs(), ensureKafkaLibs()]);
      expect(results.map((r) => r.downloaded).sort()).toEqual([false, true]);
      const libs = await readdir(join(cache, DEFAULT_KAFKA_VERSION, 'libs'));
      expect(libs).toContain(`kafka_2.13-${DEFAULT_KAFKA_VERSION}.jar`);
      expect(libs).toContain('.complete');
      // No staging directory or lock is left behind.
      expect(await readdir(join(cache, DEFAULT_KAFKA_VERSION))).toEqual(['libs']);
      expect(await ensureKafkaLibs()).toEqual({
        libs: join(cache, DEFAULT_KAFKA_VERSION, 'libs'),
        downloaded: false,
      });
    } finally {
      if (previous === undefined) delete process.env.FRESHET_KAFKA_CACHE;
      else process.env.FRESHET_KAFKA_CACHE = previous;
      await rm(cache, { recursive: true, force: true });
    }
  }, 300_000);
});
