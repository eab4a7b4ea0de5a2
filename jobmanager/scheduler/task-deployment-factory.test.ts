import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, type DataStream, type JobGraph, type JobVertex } from 'freshet';
import { JobId, ResourceId, type ExecutionAttemptId } from '../../common/ids.js';
import type {
  JobInformation,
  TaskDeploymentDescriptor,
  TaskLocation,
} from '../../common/protocol/task-deployment.js';
import { planSlotSharing } from './slot-sharing-placement.js';
import { createTaskDeployment, type SubtaskPlacement } from './task-deployment-factory.js';

type Partitioning = 'rebalance' | 'rescale' | 'shuffle' | 'broadcast' | 'global' | 'hash' | 'forward';

const job: JobInformation = {
  jobId: JobId.parse('0123456789abcdef0123456789abcdef'),
  jobName: 'tdd-test',
  graphHash: 'hash',
  code: { kind: 'in-process' },
  defaultParallelism: 1,
  configuration: {},
};

/** producer(p) --partitioning--> consumer(c), two vertices. */
function twoVertexGraph(p: number, c: number, partitioning: Partitioning): JobGraph {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(p);
  const source = env.fromSequence(1, 100).name('producer');
  let stream: DataStream<number>;
  switch (partitioning) {
    case 'hash':
      stream = source.keyBy((x) => x);
      break;
    case 'forward':
      stream = source.forward();
      break;
    default:
      stream = source[partitioning]();
  }
  stream
    .map((x) => x)
    .name('consumer')
    .setParallelism(c)
    .disableChaining();
  const graph = env.getPipeline().jobGraph;
  expect(graph.vertices.map((v) => v.name)).toEqual(['producer', 'consumer']);
  return graph;
}

/** A placement as the scheduler makes it: slot sharing plus one TaskManager; the location carries extra data. */
function placementFor(graph: JobGraph): SubtaskPlacement {
  const plan = planSlotSharing(graph.vertices);
  return {
    location: (vertexId, subtask) =>
      ({
        taskManagerId: ResourceId.of('tm-1'),
        slotIndex: plan.placement.get(vertexId)![subtask]!,
        gateway: { secret: 'must not travel' },
      }) as TaskLocation,
    attemptId: (vertexId, subtask) => `${vertexId}#${subtask}` as ExecutionAttemptId,
    attemptNumber: (_vertexId, subtask) => subtask % 2,
  };
}

function deploymentsOf(graph: JobGraph, vertex: JobVertex): TaskDeploymentDescriptor[] {
  const placement = placementFor(graph);
  return Array.from({ length: vertex.parallelism }, (_, i) =>
    createTaskDeployment(job, graph, vertex, i, placement),
  );
}

/**
 * Checks the wiring end to end: every subpartition a producer creates is read by exactly one
 * consumer channel, and every channel reads a subpartition that exists.
 */
function expectEverySubpartitionReadOnce(graph: JobGraph): Map<string, number> {
  const [producer, consumer] = graph.vertices as [JobVertex, JobVertex];
  const produced = new Map<string, number>();
  for (const tdd of deploymentsOf(graph, producer)) {
    expect(tdd.producedPartitions).toHaveLength(1);
    const pd = tdd.producedPartitions[0]!;
    for (let s = 0; s < pd.numberOfSubpartitions; s++)
      produced.set(`${pd.partitionId.producerSubtask}/${s}`, 0);
  }
  const readBy = new Map<string, number>();
  for (const tdd of deploymentsOf(graph, consumer)) {
    expect(tdd.inputGates).toHaveLength(1);
    for (const channel of tdd.inputGates[0]!.channels) {
      const key = `${channel.partitionId.producerSubtask}/${channel.subpartitionIndex}`;
      expect(produced.has(key)).toBe(true);
      produced.set(key, produced.get(key)! + 1);
      readBy.set(key, tdd.subtaskIndex);
    }
  }
  for (const [key, n] of produced) expect(n, `subpartition ${key}`).toBe(1);
  return readBy;
}

describe('createTaskDeployment: all-to-all edges', () => {
  it.each(['rebalance', 'shuffle', 'broadcast', 'global', 'hash'] as const)(
    '%s: every consumer has one channel per producer, reading subpartition = consumer index',
    (partitioning) => {
      const graph = twoVertexGraph(3, 4, partitioning);
      const [producer, consumer] = graph.vertices as [JobVertex, JobVertex];
      const dataSet = producer.producedDataSets[0]!;
      expect(dataSet.partitioner).toBe(partitioning);

      for (const tdd of deploymentsOf(graph, producer)) {
        expect(tdd.producedPartitions).toEqual([
          {
            partitionId: {
              dataSetId: dataSet.id,
              producerSubtask: tdd.subtaskIndex,
              producerAttempt: tdd.subtaskIndex % 2,
            },
            dataSetIndex: 0,
            numberOfSubpartitions: 4,
          },
        ]);
        expect(tdd.inputGates).toEqual([]);
      }

      const placement = placementFor(graph);
      for (const tdd of deploymentsOf(graph, consumer)) {
        expect(tdd.producedPartitions).toEqual([]);
        expect(tdd.inputGates).toHaveLength(1);
        const gate = tdd.inputGates[0]!;
        expect(gate.dataSetId).toBe(dataSet.id);
        expect(gate.channels).toEqual(
          [0, 1, 2].map((j) => ({
            partitionId: { dataSetId: dataSet.id, producerSubtask: j, producerAttempt: j % 2 },
            producerLocation: {
              taskManagerId: 'tm-1',
              slotIndex: placement.location(producer.id, j).slotIndex,
            },
            subpartitionIndex: tdd.subtaskIndex,
          })),
        );
      }
      expectEverySubpartitionReadOnce(graph);
    },
  );

  it('the producer location is copied without any extra fields (nothing but the address travels)', () => {
    const graph = twoVertexGraph(2, 2, 'rebalance');
    const tdd = deploymentsOf(graph, graph.vertices[1]!)[0]!;
    for (const channel of tdd.inputGates[0]!.channels) {
      expect(Object.keys(channel.producerLocation).sort()).toEqual(['slotIndex', 'taskManagerId']);
    }
    // Plain data: survives structured cloning (it goes over the wire).
    expect(structuredClone(tdd)).toEqual(tdd);
  });
});

describe('createTaskDeployment: point-wise edges', () => {
  it('forward between equal parallelism: consumer i reads producer i, subpartition 0', () => {
    const graph = twoVertexGraph(3, 3, 'forward');
    const [producer, consumer] = graph.vertices as [JobVertex, JobVertex];
    for (const tdd of deploymentsOf(graph, producer)) {
      expect(tdd.producedPartitions.map((p) => p.numberOfSubpartitions)).toEqual([1]);
    }
    for (const tdd of deploymentsOf(graph, consumer)) {
      expect(
        tdd.inputGates[0]!.channels.map((c) => [c.partitionId.producerSubtask, c.subpartitionIndex]),
      ).toEqual([[tdd.subtaskIndex, 0]]);
    }
    expectEverySubpartitionReadOnce(graph);
  });

  it('rescale 2 → 4: each producer feeds a block of two consumers, one subpartition each', () => {
    const graph = twoVertexGraph(2, 4, 'rescale');
    const [producer, consumer] = graph.vertices as [JobVertex, JobVertex];
    expect(deploymentsOf(graph, producer).map((t) => t.producedPartitions[0]!.numberOfSubpartitions)).toEqual(
      [2, 2],
    );
    expect(
      deploymentsOf(graph, consumer).map((t) =>
        t.inputGates[0]!.channels.map((c) => [c.partitionId.producerSubtask, c.subpartitionIndex]),
      ),
    ).toEqual([[[0, 0]], [[0, 1]], [[1, 0]], [[1, 1]]]);
  });

  it('rescale 4 → 2: each consumer reads a block of two producers, each with a single subpartition', () => {
    const graph = twoVertexGraph(4, 2, 'rescale');
    const [producer, consumer] = graph.vertices as [JobVertex, JobVertex];
    expect(deploymentsOf(graph, producer).map((t) => t.producedPartitions[0]!.numberOfSubpartitions)).toEqual(
      [1, 1, 1, 1],
    );
    expect(
      deploymentsOf(graph, consumer).map((t) =>
        t.inputGates[0]!.channels.map((c) => [c.partitionId.producerSubtask, c.subpartitionIndex]),
      ),
    ).toEqual([
      [
        [0, 0],
        [1, 0],
      ],
      [
        [2, 0],
        [3, 0],
      ],
    ]);
  });

  it('rescale 2 → 3: uneven fan-out still reads every subpartition once', () => {
    const graph = twoVertexGraph(2, 3, 'rescale');
    const [producer] = graph.vertices as [JobVertex, JobVertex];
    const subpartitions = deploymentsOf(graph, producer).map(
      (t) => t.producedPartitions[0]!.numberOfSubpartitions,
    );
    expect(subpartitions.reduce((a, b) => a + b, 0)).toBe(3);
    expectEverySubpartitionReadOnce(graph);
  });

  it('for every (p, c) in 1..6, every produced subpartition is read by exactly one consumer channel', () => {
    for (let p = 1; p <= 6; p++) {
      for (let c = 1; c <= 6; c++) {
        const readBy = expectEverySubpartitionReadOnce(twoVertexGraph(p, c, 'rescale'));
        // Every consumer reads something.
        expect(new Set(readBy.values()).size).toBe(c);
        const all = expectEverySubpartitionReadOnce(twoVertexGraph(p, c, 'rebalance'));
        expect(all.size).toBe(p * c);
      }
    }
  });
});

describe('createTaskDeployment: descriptor fields', () => {
  it('names the task Flink style and carries subtask, attempt, parallelism and slot', () => {
    const graph = twoVertexGraph(2, 3, 'rebalance');
    const consumer = graph.vertices[1]!;
    const placement = placementFor(graph);
    const tdds = deploymentsOf(graph, consumer);
    expect(tdds.map((t) => t.taskName)).toEqual(['consumer (1/3)#0', 'consumer (2/3)#1', 'consumer (3/3)#0']);
    tdds.forEach((tdd, i) => {
      expect(tdd.job).toBe(job);
      expect(tdd.vertexId).toBe(consumer.id);
      expect(tdd.subtaskIndex).toBe(i);
      expect(tdd.attemptNumber).toBe(i % 2);
      expect(tdd.executionAttemptId).toBe(`${consumer.id}#${i}`);
      expect(tdd.parallelism).toBe(3);
      expect(tdd.maxParallelism).toBe(consumer.maxParallelism);
      expect(tdd.slotIndex).toBe(placement.location(consumer.id, i).slotIndex);
    });
  });

  it('a consumer with several inputs gets one gate per input, in input order', () => {
    const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
    env.setParallelism(2);
    const a = env.fromSequence(1, 10).name('a');
    const b = env.fromSequence(1, 10).name('b').setParallelism(3);
    a.union(b)
      .map((x) => x)
      .name('m');
    const graph = env.getPipeline().jobGraph;
    const m = graph.vertices.find((v) => v.name === 'm')!;
    expect(m.inputs.map((i) => i.partitioner)).toEqual(['forward', 'rebalance']);
    const tdds = deploymentsOf(graph, m);
    for (const tdd of tdds) {
      expect(tdd.inputGates.map((g) => g.dataSetId)).toEqual(m.inputs.map((i) => i.dataSetId));
      expect(tdd.inputGates[0]!.channels.map((c) => c.partitionId.producerSubtask)).toEqual([
        tdd.subtaskIndex,
      ]);
      expect(tdd.inputGates[1]!.channels.map((c) => c.partitionId.producerSubtask)).toEqual([0, 1, 2]);
    }
  });

  it('a producer with several outputs gets one partition per data set, indexed in order', () => {
    const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
    env.setParallelism(2);
    const src = env.fromSequence(1, 10).name('src');
    src
      .rebalance()
      .map((x) => x)
      .name('x')
      .setParallelism(3);
    src
      .broadcast()
      .map((x) => x)
      .name('y')
      .setParallelism(5);
    src
      .rescale()
      .map((x) => x)
      .name('z')
      .setParallelism(4);
    const graph = env.getPipeline().jobGraph;
    const producer = graph.vertices.find((v) => v.name === 'src')!;
    for (const tdd of deploymentsOf(graph, producer)) {
      expect(tdd.producedPartitions.map((p) => [p.dataSetIndex, p.numberOfSubpartitions])).toEqual([
        [0, 3],
        [1, 5],
        [2, 2],
      ]);
      expect(tdd.producedPartitions.map((p) => p.partitionId.dataSetId)).toEqual(
        producer.producedDataSets.map((d) => d.id),
      );
    }
  });
});
