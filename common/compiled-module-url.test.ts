import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledModuleUrl } from './compiled-module-url.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('compiledModuleUrl', () => {
  it('maps a target next to a TypeScript source to the same file under dist/', () => {
    const fromSource = compiledModuleUrl(
      './slot-worker.js',
      new URL('../taskmanager/slot/worker-slot.ts', import.meta.url).href,
    );
    expect(fileURLToPath(fromSource)).toBe(`${ROOT}dist/taskmanager/slot/slot-worker.js`);
    const upward = compiledModuleUrl(
      '../../index.js',
      new URL('../cli/program/job-program.ts', import.meta.url).href,
    );
    expect(fileURLToPath(upward)).toBe(`${ROOT}dist/index.js`);
  });

  it('leaves a compiled caller’s target where it is', () => {
    const compiled = compiledModuleUrl(
      './slot-worker.js',
      `file://${ROOT}dist/taskmanager/slot/worker-slot.js`,
    );
    expect(fileURLToPath(compiled)).toBe(`${ROOT}dist/taskmanager/slot/slot-worker.js`);
  });
});
