import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, type Sink } from 'freshet';
import { executionPlan } from './execution-plan.js';

const nullSink = <T>(): Sink<T> => ({
  createWriter: () => ({ write() {}, flush() {}, close() {} }),
});

function newEnv(parallelism: number): StreamExecutionEnvironment {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(parallelism);
  return env;
}

describe('executionPlan', () => {
  it("produces Flink's plan JSON: nodes with id/type/pact/contents/parallelism/predecessors", () => {
    const env = newEnv(2);
    env
      .fromElements('a', 'b')
      .flatMap<string>((line, out) => out.collect(line))
      .name('Tokenizer')
      .keyBy((w) => w)
      .reduce((a, b) => a + b)
      .name('Counter')
      .sinkTo(nullSink<string>())
      .name('Out');
    const plan = executionPlan(env.getPipeline().streamGraph);
    expect(plan).toEqual({
      nodes: [
        {
          id: 1,
          type: 'Source: Collection Source',
          pact: 'Data Source',
          contents: 'Source: Collection Source',
          parallelism: 1,
        },
        {
          id: 2,
          type: 'Tokenizer',
          pact: 'Operator',
          contents: 'Tokenizer',
          parallelism: 2,
          predecessors: [{ id: 1, ship_strategy: 'REBALANCE', side: 'second' }],
        },
        {
          id: 4,
          type: 'Counter',
          pact: 'Operator',
          contents: 'Counter',
          parallelism: 2,
          predecessors: [{ id: 2, ship_strategy: 'HASH', side: 'second' }],
        },
        {
          id: 5,
          type: 'Out',
          pact: 'Data Sink',
          contents: 'Out',
          parallelism: 2,
          predecessors: [{ id: 4, ship_strategy: 'FORWARD', side: 'second' }],
        },
      ],
    });
    // Sources have no predecessors key at all (as in Flink's JSON).
    expect('predecessors' in plan.nodes[0]!).toBe(false);
    // It is JSON: round-trips unchanged.
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('lists every input of a multi-input node, in order, with its ship strategy', () => {
    const env = newEnv(3);
    const a = env.fromSequence(1, 3).name('A');
    const b = env.fromSequence(1, 3).name('B');
    a.union(b.broadcast(), a.global())
      .map((x) => x)
      .name('M');
    const plan = executionPlan(env.getPipeline().streamGraph);
    const m = plan.nodes.find((n) => n.contents === 'M')!;
    const idOf = (name: string): number => plan.nodes.find((n) => n.contents === name)!.id;
    expect(m.predecessors).toEqual([
      { id: idOf('A'), ship_strategy: 'FORWARD', side: 'second' },
      { id: idOf('B'), ship_strategy: 'BROADCAST', side: 'second' },
      { id: idOf('A'), ship_strategy: 'GLOBAL', side: 'second' },
    ]);
  });

  it('names the strategies of shuffle, rescale and rebalance', () => {
    const env = newEnv(2);
    const src = env.fromSequence(1, 3).name('S');
    src
      .shuffle()
      .map((x) => x)
      .name('sh');
    src
      .rescale()
      .map((x) => x)
      .name('rs');
    src
      .rebalance()
      .map((x) => x)
      .name('rb');
    const plan = executionPlan(env.getPipeline().streamGraph);
    const strategyOf = (name: string): string | undefined =>
      plan.nodes.find((n) => n.contents === name)!.predecessors?.[0]?.ship_strategy;
    expect(strategyOf('sh')).toBe('SHUFFLE');
    expect(strategyOf('rs')).toBe('RESCALE');
    expect(strategyOf('rb')).toBe('REBALANCE');
  });

  it('nodes are sorted by id whatever order the program built them in', () => {
    const env = newEnv(2);
    const b = env.fromSequence(1, 3).name('late-source');
    b.map((x) => x).name('m');
    env.fromSequence(1, 3).name('second-source');
    const ids = executionPlan(env.getPipeline().streamGraph).nodes.map((n) => n.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids).toHaveLength(3);
  });
});
