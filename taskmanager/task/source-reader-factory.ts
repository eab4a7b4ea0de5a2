/**
 * Creates a source task's reader (the reader half of Flink's SourceOperator) with its splits:
 *
 * - static splits (`createSplits`): the restored ones after a restore, else this subtask's share
 *   of the source's splits, and no more;
 * - a split enumerator on the JobManager (`createEnumerator`): the restored splits, then the reader
 *   registers with the enumerator and gets further splits (and their end) from it.
 */
import type { SourceReader, SourceReaderContext } from '../../api/connector/source.js';
import type { JobVertex } from '../../api/graph/job-graph.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { SourceOperator } from '../operators/source-operator.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import type { TaskEnvironment } from './task-environment.js';
import {
  CoordinatedSourceReader,
  CoordinatorOutbox,
  StaticSourceReader,
  type TaskSourceReader,
} from './task-source-reader.js';
import { attributeToOperator } from './user-code-error.js';

/** The list state of a source operator holding its reader's unfinished splits. */
export const SOURCE_SPLITS_STATE = 'source-splits';

export async function createSourceReader(
  env: TaskEnvironment,
  vertex: JobVertex,
  restoredSplits: readonly unknown[] | undefined,
  /** The head of the task's chain: the SourceOperator the reader emits into. */
  sourceOperator: StreamOperator,
): Promise<TaskSourceReader> {
  const { tdd, pipeline } = env;
  const head = vertex.operators[0]!;
  const node = pipeline.streamGraph.nodes.get(head.nodeId)!;
  if (node.operator.kind !== 'source' || !(sourceOperator instanceof SourceOperator))
    throw new FreshetError('NOT_A_SOURCE', `${head.name} is not a source`);
  const source = node.operator.source;
  const coordinated = source.createEnumerator !== undefined;
  const toCoordinator = env.sendOperatorEventToCoordinator?.bind(env);
  try {
    if (!coordinated && source.createSplits === undefined) {
      throw new UserError(
        'SOURCE_WITHOUT_SPLITS',
        'the source has neither createSplits(parallelism) nor createEnumerator(context)',
      );
    }
    if (coordinated && toCoordinator === undefined) {
      throw new FreshetError('NO_COORDINATOR_GATEWAY', 'this TaskManager cannot reach split enumerators');
    }
    const outbox = new CoordinatorOutbox(
      { type: 'reader-registration', subtaskId: tdd.subtaskIndex, location: env.network.localLocation },
      (event) => toCoordinator!(head.operatorId, event),
    );
    const context: SourceReaderContext = {
      indexOfSubtask: tdd.subtaskIndex,
      parallelism: tdd.parallelism,
      attemptNumber: tdd.attemptNumber,
      currentTimeMillis: () => env.clock(),
      sendSplitRequest: () => {
        if (coordinated) outbox.send({ type: 'request-split', subtaskId: tdd.subtaskIndex });
      },
      sendSourceEventToCoordinator: (event) => {
        if (!coordinated) {
          throw new UserError('NO_SPLIT_ENUMERATOR', 'a source without createEnumerator has no coordinator');
        }
        outbox.send({ type: 'source-event', event });
      },
    };
    const reader: SourceReader<unknown, unknown> = source.createReader(context);
    sourceOperator.attachReader(reader);
    if (!coordinated) {
      const p = tdd.parallelism;
      await reader.start?.();
      reader.addSplits([
        ...(restoredSplits ?? source.createSplits!(p).filter((_, i) => i % p === tdd.subtaskIndex)),
      ]);
      reader.notifyNoMoreSplits();
      return new StaticSourceReader(reader);
    }
    // Flink's order: the restored splits, then start (which may ask for splits: sent once registered).
    if (restoredSplits !== undefined && restoredSplits.length > 0) reader.addSplits([...restoredSplits]);
    await reader.start?.();
    return new CoordinatedSourceReader(reader, head.operatorId, outbox);
  } catch (error) {
    throw attributeToOperator(error, head.name);
  }
}
