import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JarStore } from './jar-store.js';

const BUNDLE = Buffer.from(
  "/* freshet job bundle v1 */\n'use strict';\nmodule.exports.default = async function main(args) {};\n",
);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-jar-store-'));
  dirs.push(dir);
  return dir;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof FreshetError ? error.code : `not a FreshetError: ${String(error)}`;
  }
  return undefined;
}

describe('JarStore', () => {
  it('stores an upload as <uuid>_<name>, lists, finds and deletes it', () => {
    const dir = join(tempDir(), 'web-upload');
    const store = new JarStore(dir, () => 1_700_000_123_000);
    const stored = store.store('word-count.js', BUNDLE);

    expect(stored.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_word-count\.js$/,
    );
    expect(stored.path).toBe(join(dir, stored.id));
    expect(readFileSync(stored.path).equals(BUNDLE)).toBe(true);
    expect(store.list()).toEqual([{ id: stored.id, name: 'word-count.js', uploaded: 1_700_000_123_000 }]);
    expect(store.get(stored.id)).toBe(stored.path);

    store.delete(stored.id);
    expect(existsSync(stored.path)).toBe(false);
    expect(store.list()).toEqual([]);
    expect(codeOf(() => store.get(stored.id))).toBe('UNKNOWN_JAR');
    expect(codeOf(() => store.delete(stored.id))).toBe('UNKNOWN_JAR');
  });

  it('gives two uploads of the same name different IDs and lists them oldest first', () => {
    let now = 1_000_000;
    const store = new JarStore(tempDir(), () => (now += 1000));
    const first = store.store('job.js', BUNDLE);
    const second = store.store('job.js', BUNDLE);
    expect(first.id).not.toBe(second.id);
    expect(store.list().map((jar) => jar.id)).toEqual([first.id, second.id]);
  });

  it.each([
    ['a syntax error', Buffer.from('module.exports.default = function main( {')],
    ['an ES module (import statements do not compile as CommonJS)', Buffer.from("import x from 'y';\n")],
    ['a Java jar', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00])],
    ['bytes that are not UTF-8', Buffer.from([0x2f, 0x2f, 0xff, 0xfe, 0x00, 0xc3])],
  ])('rejects %s with MALFORMED_BUNDLE and stores nothing', (_what, bytes) => {
    const dir = tempDir();
    const store = new JarStore(dir);
    let thrown: unknown;
    try {
      store.store('job.js', bytes);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FreshetError);
    expect((thrown as FreshetError).code).toBe('MALFORMED_BUNDLE');
    expect((thrown as FreshetError).domain).toBe('user');
    expect((thrown as Error).message).toMatch(
      /^job\.js is not a job bundle: .+; build one with `freshet bundle/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names what is wrong with a malformed upload', () => {
    const store = new JarStore(tempDir());
    expect(() => store.store('app.jar', Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toThrow(/zip archive/);
    expect(() => store.store('job.js', Buffer.from('const = 1;'))).toThrow(
      /does not parse as a CommonJS module/,
    );
  });

  it('refuses file names that are paths', () => {
    const dir = tempDir();
    const store = new JarStore(dir);
    for (const name of ['../evil.js', 'a/b.js', 'a\\b.js', '..', '.', '', 'new\nline.js']) {
      expect(
        codeOf(() => store.store(name, BUNDLE)),
        name,
      ).toBe('INVALID_JAR_NAME');
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('answers UNKNOWN_JAR for IDs that would leave the directory, and touches nothing outside it', () => {
    const parent = tempDir();
    const dir = join(parent, 'uploads');
    const store = new JarStore(dir);
    const stored = store.store('job.js', BUNDLE);
    const outside = join(parent, `${stored.id.slice(0, 36)}_secret.js`);
    writeFileSync(outside, 'secret');
    const attempts = [
      '..',
      '.',
      `../${basename(outside)}`,
      `..\\${basename(outside)}`,
      `${stored.id}/../${stored.id}`,
      `${stored.id}\0`,
      join(dir, stored.id),
      'job.js',
    ];
    for (const id of attempts) {
      expect(
        codeOf(() => store.get(id)),
        id,
      ).toBe('UNKNOWN_JAR');
      expect(
        codeOf(() => store.delete(id)),
        id,
      ).toBe('UNKNOWN_JAR');
    }
    expect(readFileSync(outside, 'utf8')).toBe('secret');
    expect(existsSync(stored.path)).toBe(true);
    expect(dirname(store.get(stored.id))).toBe(dir);
  });

  it('lists the jars already in the directory after a restart, skipping partial and foreign files', () => {
    const dir = tempDir();
    const before = new JarStore(dir, () => 1_700_000_000_000);
    const stored = before.store('kept.js', BUNDLE);
    writeFileSync(join(dir, '.0a1b2c3d.part'), 'half a bundle');
    writeFileSync(join(dir, 'README.txt'), 'not an upload');

    const after = new JarStore(dir);
    expect(after.list()).toEqual([{ id: stored.id, name: 'kept.js', uploaded: 1_700_000_000_000 }]);
    expect(after.get(stored.id)).toBe(stored.path);
  });
});
