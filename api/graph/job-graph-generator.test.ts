import { describe, expect, it } from 'vitest';
import {
  OutputTag,
  ProcessFunction,
  StreamExecutionEnvironment,
  type Collector,
  type DataStream,
  type JobGraph,
  type JobVertex,
  type ProcessContext,
  type Sink,
  type StreamGraph,
} from 'freshet';
import { OperatorId } from '../../common/ids.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { StreamNode } from './stream-graph.js';

/** A sink that does nothing: the graph only needs a terminal operator. */
const nullSink = <T>(): Sink<T> => ({
  createWriter: () => ({ write() {}, flush() {}, close() {} }),
});

function newEnv(parallelism = 2): StreamExecutionEnvironment {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(parallelism);
  return env;
}

function jobGraphOf(env: StreamExecutionEnvironment): JobGraph {
  return env.getPipeline('test-job').jobGraph;
}

function streamGraphOf(env: StreamExecutionEnvironment): StreamGraph {
  return env.getPipeline('test-job').streamGraph;
}

function vertexNames(graph: JobGraph): string[] {
  return graph.vertices.map((v) => v.name);
}

function vertexWith(graph: JobGraph, operatorName: string): JobVertex {
  const vertex = graph.vertices.find((v) => v.operators.some((op) => op.name === operatorName));
  if (vertex === undefined) throw new Error(`no vertex holds operator '${operatorName}'`);
  return vertex;
}

function nodeNamed(graph: StreamGraph, name: string): StreamNode {
  const node = [...graph.nodes.values()].find((n) => n.name === name);
  if (node === undefined) throw new Error(`no node '${name}'`);
  return node;
}

function operatorIdOf(graph: JobGraph, operatorName: string): string {
  const op = graph.vertices.flatMap((v) => v.operators).find((o) => o.name === operatorName);
  if (op === undefined) throw new Error(`no operator '${operatorName}'`);
  return op.operatorId;
}

function thrownBy(action: () => unknown): FreshetError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FreshetError);
    return error as FreshetError;
  }
  throw new Error('expected an error');
}

/** source(p) -> map -> filter -> sink, the plain chainable pipeline. */
function linear(env: StreamExecutionEnvironment): void {
  env
    .fromSequence(1, 10)
    .map((x) => x * 2)
    .name('double')
    .filter((x) => x > 4)
    .name('big')
    .sinkTo(nullSink<number>())
    .name('out');
}

describe('chaining', () => {
  it('chains forward edges of equal parallelism into one vertex named "A -> B -> ..."', () => {
    const env = newEnv(2);
    linear(env);
    const graph = jobGraphOf(env);
    expect(graph.vertices).toHaveLength(1);
    const vertex = graph.vertices[0]!;
    expect(vertex.name).toBe('Source: Sequence Source -> double -> big -> out');
    expect(vertex.operators.map((op) => op.name)).toEqual([
      'Source: Sequence Source',
      'double',
      'big',
      'out',
    ]);
    expect(vertex.operators.map((op) => op.kind)).toEqual(['source', 'map', 'filter', 'sink']);
    expect(vertex.parallelism).toBe(2);
    expect(vertex.inputs).toEqual([]);
    expect(vertex.producedDataSets).toEqual([]);
    // Each operator feeds the next one by a direct call, nothing goes over the network.
    expect(vertex.operators.map((op) => op.chainedOutputs)).toEqual([
      [{ operatorIndex: 1, outputTag: undefined }],
      [{ operatorIndex: 2, outputTag: undefined }],
      [{ operatorIndex: 3, outputTag: undefined }],
      [],
    ]);
    expect(vertex.operators.every((op) => op.networkOutputs.length === 0)).toBe(true);
  });

  it('the vertex id is the operator id of the chain head', () => {
    const env = newEnv(2);
    linear(env);
    const graph = jobGraphOf(env);
    expect(graph.vertices[0]!.id as string).toBe(graph.vertices[0]!.operators[0]!.operatorId);
  });

  it('disableChaining() isolates the operator in its own vertex on both sides', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('lonely')
      .disableChaining()
      .filter(() => true)
      .name('after')
      .sinkTo(nullSink<number>())
      .name('out');
    const graph = jobGraphOf(env);
    expect(vertexNames(graph)).toEqual(['Source: Sequence Source', 'lonely', 'after -> out']);
    const [source, lonely, after] = graph.vertices as [JobVertex, JobVertex, JobVertex];
    expect(source.producedDataSets).toHaveLength(1);
    expect(source.producedDataSets[0]!.partitioner).toBe('forward');
    expect(source.producedDataSets[0]!.consumerVertexId).toBe(lonely.id);
    expect(lonely.inputs).toEqual([
      {
        dataSetId: source.producedDataSets[0]!.id,
        sourceVertexId: source.id,
        partitioner: 'forward',
        inputIndex: 0,
      },
    ]);
    expect(after.inputs).toHaveLength(1);
    expect(after.inputs[0]!.sourceVertexId).toBe(lonely.id);
    expect(after.inputs[0]!.partitioner).toBe('forward');
  });

  it('disableChaining() on a sink keeps it out of the chain', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .sinkTo(nullSink<number>())
      .name('out')
      .disableChaining();
    expect(vertexNames(jobGraphOf(env))).toEqual(['Source: Sequence Source -> Map', 'out']);
  });

  it('startNewChain() starts a chain at the operator but lets successors chain onto it', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('m')
      .filter(() => true)
      .name('head')
      .startNewChain()
      .map((x) => x)
      .name('tail')
      .sinkTo(nullSink<number>())
      .name('out');
    const graph = jobGraphOf(env);
    expect(vertexNames(graph)).toEqual(['Source: Sequence Source -> m', 'head -> tail -> out']);
    expect(graph.vertices[1]!.inputs[0]!.partitioner).toBe('forward');
  });

  it('different parallelism breaks the chain with a rebalance edge', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('wide')
      .setParallelism(3)
      .filter(() => true)
      .name('narrow')
      .sinkTo(nullSink<number>())
      .name('out');
    const graph = jobGraphOf(env);
    expect(vertexNames(graph)).toEqual(['Source: Sequence Source', 'wide', 'narrow -> out']);
    expect(graph.vertices.map((v) => v.parallelism)).toEqual([2, 3, 2]);
    expect(graph.vertices[1]!.inputs.map((i) => i.partitioner)).toEqual(['rebalance']);
    expect(graph.vertices[2]!.inputs.map((i) => i.partitioner)).toEqual(['rebalance']);
    expect(graph.vertices[0]!.producedDataSets.map((d) => d.partitioner)).toEqual(['rebalance']);
  });

  it('keyBy gives a hash edge and a separate, keyed vertex', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .keyBy((x) => x % 3)
      .reduce((a, b) => a + b)
      .name('sum')
      .sinkTo(nullSink<number>())
      .name('out');
    const graph = jobGraphOf(env);
    expect(vertexNames(graph)).toEqual(['Source: Sequence Source -> Map', 'sum -> out']);
    const keyed = vertexWith(graph, 'sum');
    expect(keyed.inputs.map((i) => i.partitioner)).toEqual(['hash']);
    expect(keyed.operators.map((op) => [op.name, op.keyed])).toEqual([
      ['sum', true],
      ['out', false],
    ]);
    expect(vertexWith(graph, 'Map').operators.every((op) => !op.keyed)).toBe(true);
    // The hash edge carries the key selector in the stream graph.
    const sg = streamGraphOf(env);
    const edge = nodeNamed(sg, 'sum').inEdges[0]!;
    expect(edge.partitioner).toBe('hash');
    expect((edge.keySelector as (value: unknown) => unknown)(7)).toBe(1);
  });

  it('slotSharingGroup() puts the operator in another group and breaks the chain', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('isolated')
      .slotSharingGroup('x')
      .sinkTo(nullSink<number>())
      .name('out')
      .slotSharingGroup('x');
    const graph = jobGraphOf(env);
    expect(vertexNames(graph)).toEqual(['Source: Sequence Source', 'isolated -> out']);
    expect(graph.vertices.map((v) => v.slotSharingGroup)).toEqual(['default', 'x']);
    expect(graph.vertices[1]!.inputs[0]!.partitioner).toBe('forward');
  });

  it("an operator without a group inherits its inputs' group (Flink), so it chains", () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('isolated')
      .slotSharingGroup('x')
      .filter(() => true)
      .name('follower');
    const graph = jobGraphOf(env);
    // Flink: "Operations inherit the slot sharing group of the input if all input operations are
    // in the same slot sharing group", so 'follower' is in 'x' and chains onto 'isolated'.
    expect(vertexWith(graph, 'follower').slotSharingGroup).toBe('x');
    expect(vertexNames(graph)).toEqual(['Source: Sequence Source', 'isolated -> follower']);
  });

  it('union of two inputs gives the consumer two inputs and is not chained to either', () => {
    const env = newEnv(2);
    const a = env.fromSequence(1, 5).name('a');
    const b = env.fromSequence(6, 10).name('b');
    a.union(b)
      .map((x) => x)
      .name('after-union')
      .sinkTo(nullSink<number>())
      .name('out');
    const graph = jobGraphOf(env);
    expect(vertexNames(graph)).toEqual(['a', 'b', 'after-union -> out']);
    const consumer = vertexWith(graph, 'after-union');
    expect(consumer.inputs).toHaveLength(2);
    expect(consumer.inputs.map((i) => i.sourceVertexId)).toEqual([
      vertexWith(graph, 'a').id,
      vertexWith(graph, 'b').id,
    ]);
    expect(consumer.inputs.map((i) => i.partitioner)).toEqual(['forward', 'forward']);
    expect(nodeNamed(streamGraphOf(env), 'after-union').inEdges).toHaveLength(2);
  });

  it('union with a partitioning applied after it partitions every input', () => {
    const env = newEnv(2);
    const a = env.fromSequence(1, 5).name('a');
    const b = env.fromSequence(6, 10).name('b');
    a.union(b)
      .rebalance()
      .map((x) => x)
      .name('m');
    const graph = jobGraphOf(env);
    expect(vertexWith(graph, 'm').inputs.map((i) => i.partitioner)).toEqual(['rebalance', 'rebalance']);
  });

  it('an operator with two outputs chains both (a chain is a tree)', () => {
    const env = newEnv(2);
    const src = env.fromSequence(1, 10);
    src.map((x) => x).name('left');
    src.filter(() => true).name('right');
    const graph = jobGraphOf(env);
    expect(graph.vertices).toHaveLength(1);
    const ops = graph.vertices[0]!.operators;
    expect(ops.map((o) => o.name)).toEqual(['Source: Sequence Source', 'left', 'right']);
    expect(ops[0]!.chainedOutputs.map((c) => c.operatorIndex)).toEqual([1, 2]);
  });

  it('vertices come in topological order and every input refers to a produced data set', () => {
    const env = newEnv(2);
    const a = env.fromSequence(1, 5).name('a');
    const b = env.fromElements(1, 2).name('b');
    a.keyBy((x) => x)
      .reduce((x, y) => x + y)
      .name('r')
      .union(b.rebalance())
      .map((x) => x)
      .name('u')
      .setParallelism(3)
      .sinkTo(nullSink<number>())
      .name('out');
    const graph = jobGraphOf(env);
    const seen = new Set<string>();
    for (const v of graph.vertices) {
      for (const input of v.inputs) {
        expect(seen.has(input.sourceVertexId)).toBe(true);
        const producer = graph.vertices.find((p) => p.id === input.sourceVertexId)!;
        const dataSet = producer.producedDataSets.find((d) => d.id === input.dataSetId)!;
        expect(dataSet.consumerVertexId).toBe(v.id);
        expect(dataSet.partitioner).toBe(input.partitioner);
      }
      seen.add(v.id);
    }
  });
});

describe('default partitioner', () => {
  it('is forward between equal parallelism and rebalance otherwise', () => {
    const env = newEnv(2);
    env
      .fromElements(1, 2, 3) // parallelism 1
      .map((x) => x)
      .name('p2')
      .filter(() => true)
      .name('p2-too')
      .disableChaining();
    const sg = streamGraphOf(env);
    expect(nodeNamed(sg, 'p2').inEdges.map((e) => e.partitioner)).toEqual(['rebalance']);
    expect(nodeNamed(sg, 'p2-too').inEdges.map((e) => e.partitioner)).toEqual(['forward']);
  });

  it('explicit partitionings are kept, the last one applied wins', () => {
    const env = newEnv(2);
    const src = env.fromSequence(1, 10);
    src
      .rebalance()
      .map((x) => x)
      .name('rebalanced');
    src
      .shuffle()
      .map((x) => x)
      .name('shuffled');
    src
      .broadcast()
      .map((x) => x)
      .name('broadcast');
    src
      .global()
      .map((x) => x)
      .name('global');
    src
      .rescale()
      .map((x) => x)
      .name('rescaled');
    src
      .forward()
      .map((x) => x)
      .name('forwarded');
    src
      .rebalance()
      .broadcast()
      .map((x) => x)
      .name('last-wins');
    const sg = streamGraphOf(env);
    const partitionerOf = (name: string): string => nodeNamed(sg, name).inEdges[0]!.partitioner;
    expect(partitionerOf('rebalanced')).toBe('rebalance');
    expect(partitionerOf('shuffled')).toBe('shuffle');
    expect(partitionerOf('broadcast')).toBe('broadcast');
    expect(partitionerOf('global')).toBe('global');
    expect(partitionerOf('rescaled')).toBe('rescale');
    expect(partitionerOf('forwarded')).toBe('forward');
    expect(partitionerOf('last-wins')).toBe('broadcast');
    // Only the forward edge chains.
    const jg = jobGraphOf(env);
    expect(vertexWith(jg, 'forwarded').operators[0]!.name).toBe('Source: Sequence Source');
    for (const name of ['rebalanced', 'shuffled', 'broadcast', 'global', 'rescaled', 'last-wins']) {
      expect(vertexWith(jg, name).name).toBe(name);
    }
  });

  it('explicit forward between unequal parallelism fails with a clear error', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .name('src')
      .forward()
      .map((x) => x)
      .name('wide')
      .setParallelism(3);
    const error = thrownBy(() => env.getPipeline());
    expect(error.code).toBe('FORWARD_PARALLELISM_MISMATCH');
    expect(error.message).toContain("'src' (parallelism 2)");
    expect(error.message).toContain("'wide' (parallelism 3)");
    expect(error.message).toMatch(/rebalance\(\)|rescale\(\)/);
  });
});

describe('uids and operator ids', () => {
  it('a duplicate uid is an error naming both operators and the uid', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('first')
      .uid('same')
      .filter(() => true)
      .name('second')
      .uid('same');
    const error = thrownBy(() => env.getPipeline());
    expect(error.code).toBe('DUPLICATE_UID');
    expect(error.message).toContain("'first'");
    expect(error.message).toContain("'second'");
    expect(error.message).toContain("'same'");
  });

  it('an empty uid is rejected', () => {
    const env = newEnv(2);
    const stream = env.fromSequence(1, 10).map((x) => x);
    expect(thrownBy(() => stream.uid('')).code).toBe('INVALID_UID');
  });

  it('an empty job is an error', () => {
    expect(thrownBy(() => newEnv(2).getPipeline()).code).toBe('NO_OPERATORS');
  });

  it('operator ids, vertex ids and data set ids are deterministic across identical builds', () => {
    const build = (): JobGraph => {
      const env = newEnv(2);
      env
        .fromSequence(1, 10)
        .map((x) => x)
        .keyBy((x) => x % 2)
        .reduce((a, b) => a + b)
        .setParallelism(3)
        .sinkTo(nullSink<number>());
      return jobGraphOf(env);
    };
    const a = build();
    const b = build();
    const ids = (g: JobGraph): unknown =>
      g.vertices.map((v) => [
        v.id,
        v.operators.map((o) => o.operatorId),
        v.producedDataSets.map((d) => d.id),
        v.inputs,
      ]);
    expect(ids(a)).toEqual(ids(b));
    for (const id of a.vertices.flatMap((v) => v.operators.map((o) => o.operatorId))) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('ids do not depend on names', () => {
    const build = (suffix: string): JobGraph => {
      const env = newEnv(2);
      env
        .fromSequence(1, 10)
        .name(`src${suffix}`)
        .map((x) => x)
        .name(`m${suffix}`);
      return jobGraphOf(env);
    };
    const a = build('-a');
    const b = build('-b');
    expect(a.vertices[0]!.operators.map((o) => o.operatorId)).toEqual(
      b.vertices[0]!.operators.map((o) => o.operatorId),
    );
    expect(a.graphHash).toBe(b.graphHash);
  });

  it('an operator with a uid keeps its id when unrelated upstream operators change', () => {
    const withUid = (extraUpstream: boolean): JobGraph => {
      const env = newEnv(2);
      let stream: DataStream<number> = env.fromSequence(1, 10);
      if (extraUpstream)
        stream = stream
          .filter((x) => x > 0)
          .map((x) => x + 1)
          .setParallelism(3);
      stream
        .map((x) => x)
        .name('stateful')
        .uid('stateful-uid')
        .sinkTo(nullSink<number>())
        .name('out');
      return jobGraphOf(env);
    };
    const before = withUid(false);
    const after = withUid(true);
    expect(operatorIdOf(before, 'stateful')).toBe(operatorIdOf(after, 'stateful'));
    expect(operatorIdOf(before, 'stateful')).toBe(OperatorId.fromUid('stateful-uid'));
    // Without a uid the sink's id follows its position and inputs, so it changes.
    expect(operatorIdOf(before, 'out')).not.toBe(operatorIdOf(after, 'out'));
  });

  it('operators at different positions get different ids, even of the same kind', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name('m1')
      .map((x) => x)
      .name('m2')
      .map((x) => x)
      .name('m3');
    const graph = jobGraphOf(env);
    const ids = ['Source: Sequence Source', 'm1', 'm2', 'm3'].map((n) => operatorIdOf(graph, n));
    expect(new Set(ids).size).toBe(4);
  });

  it('two parallel branches of the same shape get different ids', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 5)
      .name('a')
      .map((x) => x)
      .name('ma');
    env
      .fromSequence(1, 5)
      .name('b')
      .map((x) => x)
      .name('mb');
    const graph = jobGraphOf(env);
    expect(operatorIdOf(graph, 'a')).not.toBe(operatorIdOf(graph, 'b'));
    expect(operatorIdOf(graph, 'ma')).not.toBe(operatorIdOf(graph, 'mb'));
  });
});

describe('graph hash', () => {
  const program = (
    opts: { mapParallelism?: number; partition?: 'rebalance' | 'shuffle'; maxP?: number } = {},
  ): JobGraph => {
    const env = newEnv(2);
    if (opts.maxP !== undefined) env.setMaxParallelism(opts.maxP);
    let stream: DataStream<number> = env.fromSequence(1, 10);
    if (opts.partition === 'rebalance') stream = stream.rebalance();
    if (opts.partition === 'shuffle') stream = stream.shuffle();
    stream
      .map((x) => x)
      .setParallelism(opts.mapParallelism ?? 2)
      .sinkTo(nullSink<number>());
    return jobGraphOf(env);
  };

  it('is equal for identical programs', () => {
    expect(program().graphHash).toBe(program().graphHash);
    expect(program({ mapParallelism: 3, partition: 'shuffle' }).graphHash).toBe(
      program({ mapParallelism: 3, partition: 'shuffle' }).graphHash,
    );
    expect(program().graphHash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('changes when a parallelism changes', () => {
    expect(program({ mapParallelism: 3 }).graphHash).not.toBe(program({ mapParallelism: 4 }).graphHash);
  });

  it('changes when the partitioning changes', () => {
    expect(program({ partition: 'rebalance' }).graphHash).not.toBe(
      program({ partition: 'shuffle' }).graphHash,
    );
    expect(program({ mapParallelism: 3, partition: 'rebalance' }).graphHash).not.toBe(
      program({ mapParallelism: 3, partition: 'shuffle' }).graphHash,
    );
    expect(program().graphHash).not.toBe(program({ partition: 'rebalance' }).graphHash);
  });

  it('changes when the max parallelism changes', () => {
    expect(program({ maxP: 64 }).graphHash).not.toBe(program({ maxP: 256 }).graphHash);
  });

  it('does not depend on the job name', () => {
    const env = newEnv(2);
    env.fromSequence(1, 10).map((x) => x);
    expect(env.getPipeline('one').jobGraph.graphHash).toBe(env.getPipeline('two').jobGraph.graphHash);
    expect(env.getPipeline('one').jobGraph.jobName).toBe('one');
  });
});

describe('parallelism and max parallelism', () => {
  it("defaults max parallelism by Flink's rule (p=2 → 128)", () => {
    const env = newEnv(2);
    env.fromSequence(1, 10).map((x) => x);
    const graph = jobGraphOf(env);
    expect(graph.vertices.map((v) => v.maxParallelism)).toEqual([128]);
    expect([...streamGraphOf(env).nodes.values()].map((n) => n.maxParallelism)).toEqual([128, 128]);
  });

  it('derives the default from the largest parallelism (p=200 → roundUpPow2(300) = 512)', () => {
    const env = newEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .setParallelism(200);
    expect(jobGraphOf(env).vertices.map((v) => v.maxParallelism)).toEqual([512, 512]);
  });

  it('honours setMaxParallelism on the environment and on an operator', () => {
    const env = newEnv(2);
    env.setMaxParallelism(64);
    expect(env.getMaxParallelism()).toBe(64);
    env
      .fromSequence(1, 10)
      .keyBy((x) => x)
      .reduce((a, b) => a + b)
      .name('own')
      .setMaxParallelism(16);
    const graph = jobGraphOf(env);
    expect(vertexWith(graph, 'Source: Sequence Source').maxParallelism).toBe(64);
    expect(vertexWith(graph, 'own').maxParallelism).toBe(16);
  });

  it('parallelism above max parallelism is an error naming both numbers', () => {
    const env = newEnv(2);
    env.setMaxParallelism(8);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .setParallelism(10);
    const error = thrownBy(() => env.getPipeline());
    expect(error.code).toBe('PARALLELISM_ABOVE_MAX');
    expect(error.message).toContain('10');
    expect(error.message).toContain('8');

    const env2 = newEnv(2);
    env2
      .fromSequence(1, 10)
      .map((x) => x)
      .setParallelism(5)
      .setMaxParallelism(4);
    const error2 = thrownBy(() => env2.getPipeline());
    expect(error2.code).toBe('PARALLELISM_ABOVE_MAX');
    expect(error2.message).toMatch(/parallelism 5 .*maxParallelism 4/);
  });

  it('max parallelism above 32768 is an error', () => {
    const env = newEnv(2);
    env.setMaxParallelism(40000);
    env.fromSequence(1, 10);
    expect(thrownBy(() => env.getPipeline()).code).toBe('INVALID_MAX_PARALLELISM');
  });

  it.each([0, -1, 1.5, Number.NaN])('setParallelism(%s) is INVALID_PARALLELISM everywhere', (bad) => {
    const env = newEnv(2);
    expect(thrownBy(() => env.setParallelism(bad)).code).toBe('INVALID_PARALLELISM');
    expect(thrownBy(() => env.setMaxParallelism(bad)).code).toBe('INVALID_PARALLELISM');
    const op = env.fromSequence(1, 10).map((x) => x);
    expect(thrownBy(() => op.setParallelism(bad)).code).toBe('INVALID_PARALLELISM');
    expect(thrownBy(() => op.setMaxParallelism(bad)).code).toBe('INVALID_PARALLELISM');
    const sink = op.sinkTo(nullSink<number>());
    expect(thrownBy(() => sink.setParallelism(bad)).code).toBe('INVALID_PARALLELISM');
    // Nothing was changed by the failed calls.
    expect(env.getParallelism()).toBe(2);
    expect(op.getParallelism()).toBe(2);
  });

  it('the message of INVALID_PARALLELISM shows the bad value', () => {
    const env = newEnv(2);
    expect(thrownBy(() => env.setParallelism(0)).message).toContain('got 0');
  });

  it('fromElements always runs at parallelism 1, other operators at the environment default', () => {
    const env = newEnv(4);
    env
      .fromElements(1, 2, 3)
      .map((x) => x)
      .name('m');
    const sg = streamGraphOf(env);
    expect(nodeNamed(sg, 'Source: Collection Source').parallelism).toBe(1);
    expect(nodeNamed(sg, 'm').parallelism).toBe(4);
  });
});

describe('side outputs', () => {
  class Splitter extends ProcessFunction<number, number> {
    constructor(private readonly tag: OutputTag<string>) {
      super();
    }
    processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
      if (value % 2 === 0) out.collect(value);
      else ctx.output(this.tag, `odd:${value}`);
    }
  }

  it('getSideOutput(tag) produces an edge carrying the tag id', () => {
    const env = newEnv(2);
    const tag = new OutputTag<string>('odds');
    const main = env.fromSequence(1, 10).process(new Splitter(tag)).name('split');
    main
      .getSideOutput(tag)
      .map((s) => s.length)
      .name('side-consumer');
    main.map((x) => x).name('main-consumer');
    const sg = streamGraphOf(env);
    const sideEdge = nodeNamed(sg, 'side-consumer').inEdges[0]!;
    expect(sideEdge.outputTag).toBe('odds');
    expect(sideEdge.sourceId).toBe(nodeNamed(sg, 'split').id);
    expect(sideEdge.partitioner).toBe('forward');
    expect(nodeNamed(sg, 'main-consumer').inEdges[0]!.outputTag).toBeUndefined();

    // Chained: the chained output remembers the tag.
    const split = jobGraphOf(env).vertices[0]!.operators.find((o) => o.name === 'split')!;
    expect(split.chainedOutputs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outputTag: 'odds' }),
        expect.objectContaining({ outputTag: undefined }),
      ]),
    );
  });

  it('a side output crossing the network keeps its tag on the data set', () => {
    const env = newEnv(2);
    const tag = new OutputTag<string>('odds');
    env
      .fromSequence(1, 10)
      .process(new Splitter(tag))
      .name('split')
      .getSideOutput(tag)
      .rebalance()
      .map((s) => s)
      .name('side-consumer')
      .setParallelism(3);
    const graph = jobGraphOf(env);
    const producer = vertexWith(graph, 'split');
    expect(producer.producedDataSets).toHaveLength(1);
    expect(producer.producedDataSets[0]!.outputTag).toBe('odds');
    expect(producer.producedDataSets[0]!.partitioner).toBe('rebalance');
    expect(producer.producedDataSets[0]!.consumerVertexId).toBe(vertexWith(graph, 'side-consumer').id);
    const split = producer.operators.find((o) => o.name === 'split')!;
    expect(split.networkOutputs).toEqual([0]);
  });

  it('the side output tag is part of the graph hash', () => {
    const build = (tagId: string): string => {
      const env = newEnv(2);
      const tag = new OutputTag<string>(tagId);
      env
        .fromSequence(1, 10)
        .process(new Splitter(tag))
        .getSideOutput(tag)
        .rebalance()
        .map((s) => s)
        .setParallelism(3);
      return jobGraphOf(env).graphHash;
    };
    expect(build('a')).toBe(build('a'));
    expect(build('a')).not.toBe(build('b'));
  });
});

describe('foreign streams', () => {
  it('a stream of another environment cannot be used', () => {
    const a = newEnv(2);
    const b = newEnv(2);
    const sa = a.fromSequence(1, 2);
    const sb = b.fromSequence(1, 2);
    expect(thrownBy(() => sa.union(sb)).code).toBe('FOREIGN_STREAM');
  });
});
