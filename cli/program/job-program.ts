/**
 * Loads a job program for the CLI: bundles the job file (unless it already is a bundle) and
 * evaluates it with this process's own `freshet` modules provided, so the program's environment
 * talks to the runtime the CLI placed in context.
 */
import { readFileSync } from 'node:fs';
import { evaluateBundle, findJobMain, type JobMain } from '../../common/bundle/evaluate-bundle.js';
import { bundleJobToTempFile } from '../bundle/job-bundler.js';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';

export interface JobProgram {
  readonly bundlePath: string;
  readonly main: JobMain;
}

/** URLs of the modules a bundle gets as `freshet` and `freshet/connectors` (in slot workers too). */
export function providedModuleUrls(): Record<string, string> {
  // From the TypeScript sources (tests), slot workers still need the compiled modules.
  return {
    freshet: compiledModuleUrl('../../index.js', import.meta.url).href,
    'freshet/connectors': compiledModuleUrl('../../connectors/index.js', import.meta.url).href,
  };
}

export async function loadJobProgram(jobFile: string): Promise<JobProgram> {
  const bundlePath = await bundleJobToTempFile(jobFile);
  const urls = providedModuleUrls();
  const provided: Record<string, unknown> = {};
  for (const [name, url] of Object.entries(urls)) provided[name] = await import(url);
  const code = readFileSync(bundlePath, 'utf8');
  const main = findJobMain(evaluateBundle(code, bundlePath, provided), jobFile);
  return { bundlePath, main };
}
