/**
 * Where uploaded job bundles live (Flink's `web.upload.dir`): one file per upload, named
 * `<uuid>_<uploaded name>` — that name is the jar ID. Uploads are checked to be CommonJS a job
 * bundle could be (compiled, never run) before anything is written; a file appears under its ID
 * only once it is complete. What is in the directory is the state: a restarted JobManager lists the
 * jars uploaded before.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { UserError } from '../../common/errors/freshet-error.js';

/** A stored upload: its ID and the file's path (whose last segment is the ID). */
export interface StoredJar {
  readonly id: string;
  readonly path: string;
}

/** One stored upload as `list` reports it. */
export interface UploadedJar {
  readonly id: string;
  /** The file name it was uploaded with. */
  readonly name: string;
  /** Epoch millis of the upload. */
  readonly uploaded: number;
}

const JAR_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_(.+)$/;
/** The first bytes of a zip file, i.e. of a Java jar. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const HOW_TO_BUNDLE = 'build one with `freshet bundle <job.ts>` and upload the file it writes';

export class JarStore {
  constructor(
    readonly dir: string,
    private readonly clock: () => number = Date.now,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Checks and stores an upload; throws MALFORMED_BUNDLE (nothing stored) when it is not a bundle. */
  store(originalName: string, bytes: Buffer): StoredJar {
    checkFileName(originalName);
    checkBundle(originalName, bytes);
    const id = `${randomUUID()}_${originalName}`;
    const path = join(this.dir, id);
    // Written under a name `list` ignores, then renamed: a jar is never seen half written.
    const partial = join(this.dir, `.${randomUUID()}.part`);
    try {
      writeFileSync(partial, bytes, { flag: 'wx' });
      const uploaded = this.clock() / 1000;
      utimesSync(partial, uploaded, uploaded);
      renameSync(partial, path);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    return { id, path };
  }

  /** Every stored jar, oldest upload first. */
  list(): UploadedJar[] {
    const jars: UploadedJar[] = [];
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      const match = JAR_ID.exec(entry.name);
      if (!entry.isFile() || match === null) continue;
      const uploaded = Math.floor(statSync(join(this.dir, entry.name)).mtimeMs);
      jars.push({ id: entry.name, name: match[2]!, uploaded });
    }
    return jars.sort((a, b) => a.uploaded - b.uploaded || a.id.localeCompare(b.id));
  }

  /**
   * The stored file of `jarId`. Throws UNKNOWN_JAR when there is none — also for IDs no upload can
   * have (path separators, `..`, anything but `<uuid>_<name>`), so they never reach the file system.
   */
  get(jarId: string): string {
    const path = join(this.dir, checkJarId(jarId));
    try {
      if (statSync(path).isFile()) return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    throw unknownJar(jarId);
  }

  /** Removes a stored jar; throws UNKNOWN_JAR when there is none. */
  delete(jarId: string): void {
    const path = this.get(jarId);
    try {
      rmSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw unknownJar(jarId);
      throw error;
    }
  }
}

function unknownJar(jarId: string): UserError {
  return new UserError('UNKNOWN_JAR', `jar ${jarId} not found; upload it first (POST /jars/upload)`);
}

function checkJarId(jarId: string): string {
  // With no separator in it, the ID is one path segment inside `dir`; the pattern rules out `..`.
  if (/[/\\\0]/.test(jarId) || !JAR_ID.test(jarId)) throw unknownJar(jarId);
  return jarId;
}

function checkFileName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw new UserError(
      'INVALID_JAR_NAME',
      `'${name}' is not a usable file name for an upload: it must be a plain file name, not a path`,
    );
  }
}

/** Compiles `bytes` as the body of a CommonJS module (as `evaluateBundle` will), without running it. */
function checkBundle(name: string, bytes: Buffer): void {
  if (bytes.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
    throw malformed(name, 'it is a zip archive (a Java jar?), but Freshet runs JavaScript job bundles');
  }
  let code: string;
  try {
    code = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed(name, 'it is not UTF-8 text');
  }
  try {
    compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: name });
  } catch (error) {
    throw malformed(name, `it does not parse as a CommonJS module: ${(error as Error).message}`, error);
  }
}

function malformed(name: string, reason: string, cause?: unknown): UserError {
  return new UserError('MALFORMED_BUNDLE', `${name} is not a job bundle: ${reason}; ${HOW_TO_BUNDLE}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
