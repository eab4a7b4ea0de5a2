/**
 * Evaluates a job bundle (CommonJS, as `freshet bundle` writes it) with Freshet's own modules
 * "provided": the bundle's `require('freshet')` gets the caller's module instance, so the program
 * and the runtime share one execution context. Node built-ins resolve as usual.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import { UserError } from '../errors/freshet-error.js';

export const PROVIDED_MODULES = ['freshet', 'freshet/connectors'] as const;

export type JobMain = (args: string[]) => unknown;

export function evaluateBundle(
  code: string,
  filename: string,
  provided: Readonly<Record<string, unknown>>,
): unknown {
  const baseRequire = createRequire(filename);
  const requireShim = (id: string): unknown => (id in provided ? provided[id] : baseRequire(id));
  const module = { exports: {} as unknown };
  let fn: (...args: unknown[]) => void;
  try {
    fn = compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename }) as (
      ...args: unknown[]
    ) => void;
  } catch (error) {
    throw new UserError(
      'MALFORMED_BUNDLE',
      `${filename} is not a valid job bundle: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  fn(module.exports, requireShim, module, filename, dirname(filename));
  return module.exports;
}

/** The bundle's default-exported `main(args)`, or a clear error naming what the module exports instead. */
export function findJobMain(moduleExports: unknown, filename: string): JobMain {
  const exports = moduleExports as { default?: unknown; main?: unknown } | null;
  const main = exports?.default ?? exports?.main;
  if (typeof main !== 'function') {
    const names = exports !== null && typeof exports === 'object' ? Object.keys(exports) : [];
    throw new UserError(
      'NO_JOB_MAIN',
      `${filename} does not default-export a main function (export default async function main(args) { ... })` +
        (names.length > 0 ? `; it exports: ${names.join(', ')}` : ''),
    );
  }
  return main as JobMain;
}
