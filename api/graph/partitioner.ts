/**
 * How records of an edge are distributed over the consumer's subtasks (Flink's StreamPartitioner
 * family). The spec is plain data that travels in the JobGraph; `selectChannel` is the pure
 * decision the producer's record writer makes per record.
 */
import { assignToKeyGroup, computeOperatorIndexForKeyGroup } from '../../common/key-groups.js';
import { assertNever } from '../../common/errors/freshet-error.js';

export const PartitionerType = {
  forward: 'forward',
  rebalance: 'rebalance',
  rescale: 'rescale',
  shuffle: 'shuffle',
  broadcast: 'broadcast',
  global: 'global',
  hash: 'hash',
} as const;
export type PartitionerType = (typeof PartitionerType)[keyof typeof PartitionerType];

/** Flink's ship-strategy names, used in plans and REST. */
export const SHIP_STRATEGY: Readonly<Record<PartitionerType, string>> = {
  forward: 'FORWARD',
  rebalance: 'REBALANCE',
  rescale: 'RESCALE',
  shuffle: 'SHUFFLE',
  broadcast: 'BROADCAST',
  global: 'GLOBAL',
  hash: 'HASH',
};

/**
 * Point-wise partitioners (forward, rescale) connect each producer subtask only to some consumer
 * subtasks; the others are all-to-all.
 */
export function isPointwise(type: PartitionerType): boolean {
  return type === 'forward' || type === 'rescale';
}

/**
 * For point-wise edges, the consumer subtasks producer `index` feeds, Flink's POINTWISE pattern:
 * with p producers and c consumers, a contiguous block on the larger side maps to one subtask.
 */
export function pointwiseTargets(producerIndex: number, producers: number, consumers: number): number[] {
  if (producers === consumers) return [producerIndex];
  if (producers > consumers) return [Math.floor((producerIndex * consumers) / producers)];
  const start = Math.floor((producerIndex * consumers + producers - 1) / producers);
  const end = Math.floor(((producerIndex + 1) * consumers + producers - 1) / producers);
  const targets: number[] = [];
  for (let i = start; i < end; i++) targets.push(i);
  return targets;
}

/** The producers that feed consumer `index` on a point-wise edge (inverse of pointwiseTargets). */
export function pointwiseSources(consumerIndex: number, producers: number, consumers: number): number[] {
  const sources: number[] = [];
  for (let p = 0; p < producers; p++) {
    if (pointwiseTargets(p, producers, consumers).includes(consumerIndex)) sources.push(p);
  }
  return sources;
}

/**
 * Stateful channel selection for one producer subtask. `numberOfChannels` is the number of
 * subpartitions of the producer's partition (all consumers for all-to-all edges, the point-wise
 * targets otherwise). Returns a channel index, or -1 for broadcast (all channels).
 */
export class ChannelSelector {
  private next: number;
  private random: () => number;

  constructor(
    readonly type: PartitionerType,
    readonly numberOfChannels: number,
    producerIndex: number,
    private readonly maxParallelism: number,
    private readonly keyOf?: (record: unknown) => unknown,
    random: () => number = Math.random,
  ) {
    this.random = random;
    // Flink starts round-robin at a random channel; a deterministic start per producer spreads load
    // just as well and keeps runs reproducible.
    this.next = numberOfChannels > 0 ? producerIndex % numberOfChannels : 0;
  }

  selectChannel(record: unknown): number {
    switch (this.type) {
      case 'forward':
      case 'global':
        return 0;
      case 'broadcast':
        return -1;
      case 'rebalance':
      case 'rescale': {
        const channel = this.next;
        this.next = channel + 1 === this.numberOfChannels ? 0 : channel + 1;
        return channel;
      }
      case 'shuffle':
        return Math.floor(this.random() * this.numberOfChannels);
      case 'hash': {
        if (this.keyOf === undefined) throw new Error('hash partitioner without a key selector');
        const keyGroup = assignToKeyGroup(this.keyOf(record), this.maxParallelism);
        return computeOperatorIndexForKeyGroup(this.maxParallelism, this.numberOfChannels, keyGroup);
      }
      default:
        return assertNever(this.type, 'partitioner');
    }
  }
}
