/** Option parsing shared by the CLI commands. */
import { loadConfiguration } from '../../common/config/config-loader.js';
import { CoreOptions } from '../../common/config/config-options.js';
import type { Configuration } from '../../common/config/configuration.js';
import { UserError } from '../../common/errors/freshet-error.js';

export interface ProgramOptions {
  readonly parallelism?: string;
  readonly define?: string[];
}

export function collectDefine(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseParallelism(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new UserError('INVALID_PARALLELISM', `-p/--parallelism must be a positive integer, got '${text}'`);
  }
  return value;
}

export interface ResolvedProgramOptions {
  readonly configuration: Configuration;
  readonly defaultParallelism: number;
}

export function resolveProgramOptions(options: ProgramOptions): ResolvedProgramOptions {
  const configuration = loadConfiguration({ dynamicProperties: options.define ?? [] });
  const parallelism =
    parseParallelism(options.parallelism) ?? configuration.get(CoreOptions.DEFAULT_PARALLELISM);
  return { configuration, defaultParallelism: parallelism };
}
