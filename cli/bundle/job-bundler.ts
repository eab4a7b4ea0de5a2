/**
 * Turns a job file (TypeScript or JavaScript, anywhere on disk) into a self-contained job bundle
 * with esbuild: one CommonJS file with the job's own dependencies inlined and `freshet` /
 * `freshet/connectors` left to the runtime ("provided", as Flink's provided scope).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build, type Message } from 'esbuild';
import { PROVIDED_MODULES } from '../../common/bundle/evaluate-bundle.js';
import { UserError } from '../../common/errors/freshet-error.js';

/** First line of every bundle; `freshet run` uses it to skip bundling a bundle again. */
export const BUNDLE_BANNER = '/* freshet job bundle v1 */';

export function isJobBundle(path: string): boolean {
  const head = readFileSync(path, { encoding: 'utf8', flag: 'r' }).slice(0, BUNDLE_BANNER.length);
  return head === BUNDLE_BANNER;
}

export function checkJobFile(path: string): string {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new UserError('JOB_FILE_NOT_FOUND', `job file not found: ${path}`);
  if (!statSync(absolute).isFile())
    throw new UserError('JOB_FILE_NOT_A_FILE', `job path is not a file: ${path}`);
  return absolute;
}

/** Bundles `entry` and returns the bundle's code. */
export async function bundleJob(entry: string): Promise<string> {
  const absolute = checkJobFile(entry);
  try {
    const result = await build({
      entryPoints: [absolute],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      sourcemap: 'inline',
      external: [...PROVIDED_MODULES],
      banner: { js: BUNDLE_BANNER },
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (errors !== undefined && errors.length > 0)
      throw new UserError('JOB_BUILD_FAILED', describeBuildError(entry, errors[0]!));
    throw error;
  }
}

/** Bundles `entry` into a content-addressed file in the temp directory; returns its path. */
export async function bundleJobToTempFile(entry: string): Promise<string> {
  const absolute = checkJobFile(entry);
  if (isJobBundle(absolute)) return absolute;
  const code = await bundleJob(absolute);
  const dir = join(tmpdir(), 'freshet-bundles');
  mkdirSync(dir, { recursive: true });
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const path = join(dir, `${basename(absolute).replace(/\.[cm]?[jt]s$/, '')}-${hash}.bundle.cjs`);
  writeFileSync(path, code);
  return path;
}

function describeBuildError(entry: string, message: Message): string {
  const where =
    message.location === null
      ? entry
      : `${message.location.file}:${message.location.line}:${message.location.column + 1}`;
  const kind = /Expected|Unexpected|Unterminated|syntax/i.test(message.text)
    ? 'has a syntax error'
    : 'cannot be built';
  return `job file ${kind}: ${where}: ${message.text}`;
}
