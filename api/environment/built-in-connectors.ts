/**
 * The connectors that environment and stream methods create by themselves (fromElements, print,
 * executeAndCollect). They live in `connectors/`, which the API cannot import; the package entry
 * registers them here.
 */
import type { Sink } from '../connector/sink.js';
import type { Source } from '../connector/source.js';

export interface BuiltInConnectors {
  collectionSource<T>(elements: readonly T[]): Source<T, unknown>;
  sequenceSource(from: number, to: number): Source<number, unknown>;
  printSink<T>(sinkIdentifier?: string): Sink<T>;
}

let registered: BuiltInConnectors | undefined;

export function registerBuiltInConnectors(connectors: BuiltInConnectors): void {
  registered = connectors;
}

export function builtInConnectors(): BuiltInConnectors {
  if (registered === undefined) {
    throw new Error("built-in connectors are not registered: import the job API from 'freshet'");
  }
  return registered;
}
