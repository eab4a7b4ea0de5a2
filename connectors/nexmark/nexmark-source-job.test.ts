/**
 * The Nexmark source in a real job: 5000 events at parallelism 2 through the in-process runtime,
 * collected and checked against the generator's own sequence.
 */
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import { DiscardingSink, generateEvents, NexmarkSource, type NexmarkEvent } from 'freshet/connectors';

const EVENTS = 5000;

describe('NexmarkSource job', () => {
  it('delivers every event once through StreamExecutionEnvironment at parallelism 2', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(2);
    const collected = await env
      .fromSource(new NexmarkSource({ events: EVENTS }), NexmarkSource.watermarkStrategy(), 'nexmark')
      .executeAndCollect('nexmark-collect');

    const kinds = { person: 0, auction: 0, bid: 0 };
    for (const event of collected) kinds[event.type]++;
    expect(kinds).toEqual({ person: 100, auction: 300, bid: 4600 });
    const key = (event: NexmarkEvent): string => JSON.stringify(event);
    expect(collected.map(key).sort()).toEqual(generateEvents({}, EVENTS).map(key).sort());
  });

  it('runs into a DiscardingSink to completion', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(2);
    env
      .fromSource(new NexmarkSource({ events: EVENTS }), NexmarkSource.watermarkStrategy(), 'nexmark')
      .filter((event) => event.type === 'bid')
      .sinkTo(new DiscardingSink<NexmarkEvent>());
    const result = await env.execute('nexmark-discard');
    expect(result.jobName).toBe('nexmark-discard');
  });
});
