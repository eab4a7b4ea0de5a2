/**
 * The package entry (`freshet`): the job-author API, with the local runtime installed so that a
 * program run directly (`node job.js`, tests) executes on an in-process mini-cluster, and the
 * built-in connectors that fromElements/print/fromSequence use.
 */
import { setDefaultExecutorFactory } from './api/environment/execution-context.js';
import { registerBuiltInConnectors } from './api/environment/built-in-connectors.js';
import { CollectionSource } from './connectors/collection/collection-source.js';
import { NumberSequenceSource } from './connectors/datagen/number-sequence-source.js';
import { PrintSink } from './connectors/print/print-sink.js';

export * from './api/index.js';

registerBuiltInConnectors({
  collectionSource: (elements) => new CollectionSource(elements),
  sequenceSource: (from, to) => new NumberSequenceSource(from, to),
  printSink: (sinkIdentifier) => new PrintSink(sinkIdentifier),
});
// The mini-cluster (JobManager and TaskManager code) loads when a program executes, not when a
// slot worker imports this entry to run a bundled job.
setDefaultExecutorFactory(() => ({
  async execute(pipeline) {
    const { LocalExecutor } = await import('./cli/local/local-executor.js');
    return new LocalExecutor({ code: { kind: 'in-process' } }).execute(pipeline);
  },
}));
