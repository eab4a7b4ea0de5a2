import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Every slot worker imports `freshet` and `freshet/connectors`; neither may load the client
 * libraries of S3, Kafka, JDBC or logging until a job uses them. Checked on the built package
 * (dist/, written by `npm run build`) in a fresh Node process, as a slot worker loads it.
 */
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const ENTRIES = ['index.js', 'connectors/index.js'].map((entry) => pathToFileURL(DIST + entry).href);
const LAZY_MODULES = pathToFileURL(`${DIST}common/lazy-modules.js`).href;

const HEAVY = [/^@aws-sdk\//, /^@smithy\//, /^kafkajs$/, /^pg$/, /^mysql2$/, /^pino$/];

/**
 * The child prints the modules loaded after importing the entries, then again after calling every
 * loader. All of these packages are CommonJS, and Node puts a CommonJS module in `require.cache`
 * however it was loaded (an ESM `import` included).
 */
const CHILD = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
for (const entry of ${JSON.stringify(ENTRIES)}) await import(entry);
const afterImport = Object.keys(require.cache);
const lazy = await import(${JSON.stringify(LAZY_MODULES)});
lazy.loadAwsS3(); lazy.loadKafkajs(); lazy.loadPg(); lazy.loadMysql2(); lazy.loadPino();
console.log(JSON.stringify({ afterImport, afterLoad: Object.keys(require.cache) }));
`;

/** The heavy packages among the files, by name (`@scope/name` or `name`). */
function heavyPackages(files: readonly string[]): string[] {
  const names = files.flatMap((file) => {
    // The innermost node_modules names the package a file belongs to.
    const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    return match?.[1] === undefined ? [] : [match[1]];
  });
  return [...new Set(names)].filter((name) => HEAVY.some((pattern) => pattern.test(name))).sort();
}

describe('lazy modules', () => {
  it('importing freshet and freshet/connectors loads no S3, Kafka, JDBC or pino client', async () => {
    for (const entry of ENTRIES) {
      if (!existsSync(fileURLToPath(entry))) {
        throw new Error(`${fileURLToPath(entry)} does not exist; run \`npm run build\` before this test`);
      }
    }
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', CHILD], {
      cwd: DIST,
      timeout: 30_000,
    });
    const { afterImport, afterLoad } = JSON.parse(stdout) as { afterImport: string[]; afterLoad: string[] };

    expect(heavyPackages(afterImport)).toEqual([]);
    // The check sees these packages once they are loaded: each loader brings its package in.
    expect(heavyPackages(afterLoad)).toEqual(
      expect.arrayContaining(['@aws-sdk/client-s3', 'kafkajs', 'pg', 'mysql2', 'pino']),
    );
  });
});
