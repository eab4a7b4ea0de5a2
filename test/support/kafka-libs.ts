/**
 * Apache Kafka's jars for the test broker (kafka-broker.ts), fetched once from Maven Central with
 * `mvn dependency:copy-dependencies` into `node_modules/.cache/freshet-kafka/<version>/libs`.
 * The fetch is atomic (a staging dir, then a rename; `libs/.complete` marks a finished copy) and
 * safe when several test processes start at once (a lock directory; a stale lock is broken).
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findExecutable, runCommand, waitFor } from './server-process.js';

/** Kafka 3.9: the last line with a protocol range that kafkajs 2.x fully speaks. */
export const DEFAULT_KAFKA_VERSION = '3.9.1';
const SLF4J_VERSION = '1.7.36';
const DEPENDENCY_PLUGIN_VERSION = '3.6.1';
const COMPLETE_MARKER = '.complete';
const FETCH_TIMEOUT_MS = 10 * 60_000;
const STALE_LOCK_MS = 15 * 60_000;

/** Where fetched jars are kept: `$FRESHET_KAFKA_CACHE` or `<repo>/node_modules/.cache/freshet-kafka`. */
export function kafkaCacheDirectory(): string {
  const override = process.env.FRESHET_KAFKA_CACHE;
  if (override !== undefined && override !== '') return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'node_modules')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'node_modules', '.cache', 'freshet-kafka');
}

function libsDirectory(version: string): string {
  return join(kafkaCacheDirectory(), version, 'libs');
}

export function kafkaLibsComplete(version: string): boolean {
  return existsSync(join(libsDirectory(version), COMPLETE_MARKER));
}

function pom(version: string): string {
  const dependency = (group: string, artifact: string, v: string): string =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${v}</version></dependency>`;
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>freshet.test</groupId>',
    '  <artifactId>kafka-broker-libs</artifactId>',
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    dependency('org.apache.kafka', 'kafka_2.13', version),
    dependency('org.slf4j', 'slf4j-reload4j', SLF4J_VERSION),
    '  </dependencies>',
    '  <build><plugins><plugin>',
    '    <groupId>org.apache.maven.plugins</groupId>',
    '    <artifactId>maven-dependency-plugin</artifactId>',
    `    <version>${DEPENDENCY_PLUGIN_VERSION}</version>`,
    '  </plugin></plugins></build>',
    '</project>',
    '',
  ].join('\n');
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      // A lock left by a process that died mid-download.
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
        await rm(lock, { recursive: true, force: true });
      }
    } catch {
      // Released meanwhile.
    }
    return false;
  }
}

async function download(version: string): Promise<void> {
  const versionDir = dirname(libsDirectory(version));
  // We hold the lock: staging dirs still here were left by processes that died mid-download.
  for (const entry of await readdir(versionDir)) {
    if (entry.startsWith('staging-')) await rm(join(versionDir, entry), { recursive: true, force: true });
  }
  const staging = await mkdtemp(join(versionDir, 'staging-'));
  try {
    await writeFile(join(staging, 'pom.xml'), pom(version));
    await runCommand(
      findExecutable(['mvn']) ?? 'mvn',
      [
        '-q',
        '-B',
        '-f',
        join(staging, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${join(staging, 'libs')}`,
        '-DincludeScope=runtime',
      ],
      { cwd: staging, logFile: join(staging, 'mvn.log'), timeoutMs: FETCH_TIMEOUT_MS },
    );
    await writeFile(join(staging, 'libs', COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    await rm(libsDirectory(version), { recursive: true, force: true }); // an incomplete leftover
    await rename(join(staging, 'libs'), libsDirectory(version));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Makes sure Kafka's jars are in the cache, fetching them with Maven when they are not. Safe when
 * several test processes call it at once. Returns the libs directory and whether it downloaded.
 */
export async function ensureKafkaLibs(
  version = DEFAULT_KAFKA_VERSION,
): Promise<{ readonly libs: string; readonly downloaded: boolean }> {
  const libs = libsDirectory(version);
  if (kafkaLibsComplete(version)) return { libs, downloaded: false };
  const versionDir = dirname(libs);
  await mkdir(versionDir, { recursive: true });
  const lock = join(versionDir, '.lock');
  let locked = false;
  await waitFor(
    `lock ${lock} for the Kafka ${version} download`,
    async () => {
      if (kafkaLibsComplete(version)) return true;
      locked = await tryLock(lock);
      return locked ? true : undefined;
    },
    { timeoutMs: FETCH_TIMEOUT_MS, intervalMs: 250 },
  );
  if (!locked) return { libs, downloaded: false }; // another process fetched them meanwhile
  try {
    if (kafkaLibsComplete(version)) return { libs, downloaded: false };
    await download(version);
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
  return { libs, downloaded: true };
}
