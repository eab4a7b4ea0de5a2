import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import { ExecutionGraph } from './execution-graph.js';

function graphOfTwo() {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(2);
  env.fromSequence(1, 10).name('source').print();
  return new ExecutionGraph(env.getPipeline().jobGraph, () => 42);
}

describe('ExecutionGraph.resetForNewExecutions', () => {
  it('replaces every execution by attempt N+1 in state CREATED and forgets the old attempt IDs', () => {
    const graph = graphOfTwo();
    const before = graph.all();
    for (const e of before) e.state = 'FAILED';
    graph.resetForNewExecutions();
    const after = graph.all();
    expect(after.map((e) => [e.subtask, e.attemptNumber, e.state])).toEqual([
      [0, 1, 'CREATED'],
      [1, 1, 'CREATED'],
    ]);
    for (const old of before) {
      expect(graph.byAttemptId(old.attemptId)).toBeUndefined();
      expect(graph.isCurrent(old)).toBe(false);
    }
    for (const current of after) {
      expect(graph.byAttemptId(current.attemptId)).toBe(current);
      expect(graph.isCurrent(current)).toBe(true);
    }
    graph.resetForNewExecutions();
    expect(graph.all().map((e) => e.attemptNumber)).toEqual([2, 2]);
  });
});
