import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../index.js';
import { statefulOperatorsWithoutUid } from './operators-without-uid.js';

function graph(withUids: boolean) {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  const source = env.fromSequence(1, 10).name('numbers');
  const mapped = source.map((n) => n * 2).name('double');
  const summed = mapped
    .keyBy((n) => n % 2)
    .reduce((a, b) => a + b)
    .name('sum');
  const sink = summed.print().name('out');
  if (withUids) {
    source.uid('numbers');
    summed.uid('sum');
    sink.uid('out');
  }
  return env.getPipeline('uids').jobGraph;
}

describe('statefulOperatorsWithoutUid', () => {
  it('names the source, the keyed operator and the sink without a uid, not stateless operators', () => {
    expect(statefulOperatorsWithoutUid(graph(false)).sort()).toEqual(['numbers', 'out', 'sum']);
  });

  it('is empty when every stateful operator has a uid', () => {
    expect(statefulOperatorsWithoutUid(graph(true))).toEqual([]);
  });
});
