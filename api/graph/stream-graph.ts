/**
 * The StreamGraph: one node per operator, edges carrying the partitioner. Built from the
 * transformations by `generateStreamGraph`; turned into a JobGraph (with chaining) afterwards.
 */
import { UserError, assertNever } from '../../common/errors/freshet-error.js';
import { checkParallelismPreconditions, computeDefaultMaxParallelism } from '../../common/key-groups.js';
import type { KeySelector } from '../functions/functions.js';
import { TWO_INPUT_KINDS, type ChainingStrategy, type OperatorDescriptor } from './operator-descriptor.js';
import type { PartitionerType } from './partitioner.js';
import type { OperatorTransformation, Transformation } from './transformation.js';

export interface StreamNode {
  readonly id: number;
  readonly name: string;
  readonly uid: string | undefined;
  readonly operator: OperatorDescriptor;
  readonly parallelism: number;
  /** Explicit max parallelism, or the job's (explicit or default rule). */
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  readonly chainingStrategy: ChainingStrategy;
  readonly stateKeySelector: KeySelector<unknown, unknown> | undefined;
  readonly stateKeySelector2: KeySelector<unknown, unknown> | undefined;
  readonly inEdges: StreamEdge[];
  readonly outEdges: StreamEdge[];
}

export interface StreamEdge {
  /** Deterministic: `<source>-<target>-<n>`. */
  readonly id: string;
  readonly sourceId: number;
  readonly targetId: number;
  readonly partitioner: PartitionerType;
  readonly keySelector: KeySelector<unknown, unknown> | undefined;
  /** The side output this edge carries, if any. */
  readonly outputTag: string | undefined;
  /** Which input of the target it feeds: 0, or 1 for the second input of a two-input operator. */
  readonly inputIndex: number;
}

export interface StreamGraph {
  readonly jobName: string;
  readonly nodes: ReadonlyMap<number, StreamNode>;
  readonly sourceIds: readonly number[];
}

export interface StreamGraphOptions {
  readonly jobName: string;
  readonly defaultParallelism: number;
  /** Undefined: Flink's default rule from the largest operator parallelism. */
  readonly maxParallelism: number | undefined;
}

interface Upstream {
  readonly nodeId: number;
  readonly partitioner: PartitionerType | undefined;
  readonly keySelector: KeySelector<unknown, unknown> | undefined;
  readonly outputTag: string | undefined;
}

export function generateStreamGraph(
  transformations: readonly OperatorTransformation[],
  options: StreamGraphOptions,
): StreamGraph {
  if (transformations.length === 0) {
    throw new UserError('NO_OPERATORS', 'No operators defined in streaming topology. Cannot execute.');
  }
  const parallelismOf = (t: OperatorTransformation): number => t.parallelism ?? options.defaultParallelism;
  const maxP = options.maxParallelism ?? defaultJobMaxParallelism(transformations.map(parallelismOf));

  const nodes = new Map<number, StreamNode>();
  const ordered = [...transformations].sort((a, b) => a.id - b.id);
  for (const t of ordered) {
    const parallelism = parallelismOf(t);
    const maxParallelism = t.maxParallelism ?? maxP;
    checkParallelismPreconditions(parallelism, maxParallelism);
    nodes.set(t.id, {
      id: t.id,
      name: t.name,
      uid: t.uid,
      operator: t.operator,
      parallelism,
      maxParallelism,
      slotSharingGroup: t.slotSharingGroup ?? inheritedSlotSharingGroup(t, nodes),
      chainingStrategy: t.chainingStrategy,
      stateKeySelector: t.stateKeySelector,
      stateKeySelector2: t.stateKeySelector2,
      inEdges: [],
      outEdges: [],
    });
  }
  checkUniqueUids(ordered);

  for (const t of ordered) {
    const target = nodes.get(t.id)!;
    const edgeCount = new Map<number, number>();
    const twoInput = TWO_INPUT_KINDS.has(t.operator.kind);
    for (const [inputIndex, input] of t.inputs.entries()) {
      for (const up of resolveUpstreams(input, undefined)) {
        const source = nodes.get(up.nodeId);
        if (source === undefined) {
          throw new UserError(
            'DANGLING_INPUT',
            `operator '${t.name}' reads from an operator that is not part of the job`,
          );
        }
        const n = edgeCount.get(up.nodeId) ?? 0;
        edgeCount.set(up.nodeId, n + 1);
        const partitioner =
          up.partitioner ?? (source.parallelism === target.parallelism ? 'forward' : 'rebalance');
        if (partitioner === 'forward' && source.parallelism !== target.parallelism) {
          throw new UserError(
            'FORWARD_PARALLELISM_MISMATCH',
            `forward partitioning between '${source.name}' (parallelism ${source.parallelism}) and '${target.name}' ` +
              `(parallelism ${target.parallelism}) needs equal parallelism; use rebalance() or rescale()`,
          );
        }
        const edge: StreamEdge = {
          id: `${up.nodeId}-${t.id}-${n}`,
          sourceId: up.nodeId,
          targetId: t.id,
          partitioner,
          keySelector: up.keySelector,
          outputTag: up.outputTag,
          inputIndex: twoInput ? inputIndex : 0,
        };
        source.outEdges.push(edge);
        target.inEdges.push(edge);
      }
    }
  }
  const sourceIds = ordered.filter((t) => t.inputs.length === 0).map((t) => t.id);
  return { jobName: options.jobName, nodes, sourceIds };
}

function defaultJobMaxParallelism(parallelisms: readonly number[]): number {
  return computeDefaultMaxParallelism(Math.max(1, ...parallelisms));
}

/** Walks through virtual transformations to the operator nodes an input really comes from. */
function resolveUpstreams(t: Transformation, outer: Omit<Upstream, 'nodeId'> | undefined): Upstream[] {
  switch (t.type) {
    case 'operator':
      return [
        {
          nodeId: t.id,
          partitioner: outer?.partitioner,
          keySelector: outer?.keySelector,
          outputTag: outer?.outputTag,
        },
      ];
    case 'partition':
      return resolveUpstreams(t.input, {
        partitioner: outer?.partitioner ?? t.partitioner,
        keySelector: outer?.partitioner === undefined ? t.keySelector : outer.keySelector,
        outputTag: outer?.outputTag,
      });
    case 'union':
      return t.inputs.flatMap((input) => resolveUpstreams(input, outer));
    case 'sideOutput':
      return resolveUpstreams(t.input, {
        partitioner: outer?.partitioner,
        keySelector: outer?.keySelector,
        outputTag: t.tag.id,
      });
    default:
      return assertNever(t, 'transformation');
  }
}

function checkUniqueUids(transformations: readonly OperatorTransformation[]): void {
  const seen = new Map<string, string>();
  for (const t of transformations) {
    if (t.uid === undefined) continue;
    const other = seen.get(t.uid);
    if (other !== undefined) {
      throw new UserError(
        'DUPLICATE_UID',
        `operators '${other}' and '${t.name}' both have uid '${t.uid}'; uids must be unique within a job`,
      );
    }
    seen.set(t.uid, t.name);
  }
}

/**
 * Flink's rule: an operator without a group inherits its inputs' group when they all agree,
 * else it goes to 'default'. Inputs have smaller IDs, so their nodes already exist.
 */
function inheritedSlotSharingGroup(
  t: OperatorTransformation,
  nodes: ReadonlyMap<number, StreamNode>,
): string {
  const groups = new Set<string>();
  for (const input of t.inputs) {
    for (const up of resolveUpstreams(input, undefined)) {
      const group = nodes.get(up.nodeId)?.slotSharingGroup;
      if (group !== undefined) groups.add(group);
    }
  }
  return groups.size === 1 ? [...groups][0]! : 'default';
}
