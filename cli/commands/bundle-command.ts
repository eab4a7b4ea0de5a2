/** `freshet bundle job.ts -o job.bundle.js`: writes the self-contained bundle a cluster accepts. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleJob } from '../bundle/job-bundler.js';

export async function bundleCommand(jobFile: string, options: { readonly output?: string }): Promise<void> {
  const output = options.output ?? jobFile.replace(/\.[cm]?[jt]s$/, '') + '.bundle.js';
  const code = await bundleJob(jobFile);
  writeFileSync(resolve(output), code);
  process.stderr.write(`Wrote job bundle ${output} (${Buffer.byteLength(code)} bytes)\n`);
}
