/**
 * Creates a source task's reader (the reader half of Flink's SourceOperator) with its splits: the
 * restored ones after a restore, else this subtask's share of the source's splits.
 */
import type { SourceReader } from '../../api/connector/source.js';
import type { JobVertex } from '../../api/graph/job-graph.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { TaskEnvironment } from './task-environment.js';
import { attributeToOperator } from './user-code-error.js';

/** The list state of a source operator holding its reader's unfinished splits. */
export const SOURCE_SPLITS_STATE = 'source-splits';

export async function createSourceReader(
  env: TaskEnvironment,
  vertex: JobVertex,
  restoredSplits: readonly unknown[] | undefined,
): Promise<SourceReader<unknown, unknown>> {
  const { tdd, pipeline } = env;
  const head = vertex.operators[0]!;
  const node = pipeline.streamGraph.nodes.get(head.nodeId)!;
  if (node.operator.kind !== 'source') throw new FreshetError('NOT_A_SOURCE', `${head.name} is not a source`);
  const source = node.operator.source;
  try {
    const reader = source.createReader({
      indexOfSubtask: tdd.subtaskIndex,
      parallelism: tdd.parallelism,
      attemptNumber: tdd.attemptNumber,
      currentTimeMillis: () => env.clock(),
    });
    const splits =
      restoredSplits ??
      source.createSplits(tdd.parallelism).filter((_, i) => i % tdd.parallelism === tdd.subtaskIndex);
    await reader.start?.();
    reader.addSplits([...splits]);
    reader.notifyNoMoreSplits();
    return reader;
  } catch (error) {
    throw attributeToOperator(error, head.name);
  }
}
