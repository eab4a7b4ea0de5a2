/**
 * Exactly-once recovery on the embedded cluster: a rate-limited replayable source → keyBy →
 * 1 s tumbling event-time windows (count and sum) → FileSink, with checkpoints every 50 ms and a
 * map that fails once in the middle of the run. After the restart from the latest checkpoint the
 * committed part files must hold exactly the failure-free result.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from 'freshet';
import { DataGeneratorSource, FileSink, RateLimiterStrategy } from 'freshet/connectors';

const EVENTS = 4000;
const KEYS = 4;
/** Event i happens at i * 5 ms: 200 events per 1 s window. */
const STEP_MS = 5;
const FAIL_AT = Number(process.env['FAIL_AT'] ?? 3000);

interface Event {
  readonly id: number;
  readonly key: number;
  readonly ts: number;
}
interface WindowResult {
  key: number;
  start: number;
  count: number;
  sum: number;
}

function expectedResults(): string[] {
  const byWindow = new Map<string, WindowResult>();
  for (let id = 0; id < EVENTS; id++) {
    const key = id % KEYS;
    const start = Math.floor((id * STEP_MS) / 1000) * 1000;
    const name = `${key}@${start}`;
    const result = byWindow.get(name) ?? { key, start, count: 0, sum: 0 };
    result.count++;
    result.sum += id;
    byWindow.set(name, result);
  }
  return [...byWindow.values()].map((r) => JSON.stringify(r)).sort();
}

async function committedLines(directory: string): Promise<string[]> {
  const files = (await readdir(directory)).filter((name) => name.startsWith('part-'));
  const lines: string[] = [];
  for (const file of files) {
    const text = await readFile(join(directory, file), 'utf8');
    lines.push(...text.split('\n').filter((line) => line !== ''));
  }
  return lines.sort();
}

let failedOnce = false;
const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

describe('exactly-once recovery (embedded cluster)', () => {
  it('restores from the latest checkpoint after a task failure: no window lost or duplicated', async () => {
    const output = await mkdtemp(join(tmpdir(), 'freshet-eo-out-'));
    const checkpoints = await mkdtemp(join(tmpdir(), 'freshet-eo-ckpt-'));
    directories.push(output, checkpoints);
    failedOnce = false;
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(50);
    env.configure({
      'state.checkpoints.dir': `file://${checkpoints}`,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '3',
      'restart-strategy.fixed-delay.delay': '10 ms',
    });
    env
      .fromSource(
        new DataGeneratorSource<Event>(
          (id) => ({ id, key: id % KEYS, ts: id * STEP_MS }),
          EVENTS,
          RateLimiterStrategy.perSecond(4000),
        ),
        WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
        'events',
      )
      .map((e) => {
        if (!failedOnce && e.id === FAIL_AT) {
          failedOnce = true;
          throw new Error('injected failure');
        }
        return e;
      })
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate({
        createAccumulator: () => ({ key: -1, start: 0, count: 0, sum: 0 }),
        add: (e: Event, acc: WindowResult) => ({
          key: e.key,
          start: Math.floor(e.ts / 1000) * 1000,
          count: acc.count + 1,
          sum: acc.sum + e.id,
        }),
        getResult: (acc: WindowResult) => acc,
        merge: (a: WindowResult, b: WindowResult) => ({ ...a, count: a.count + b.count, sum: a.sum + b.sum }),
      })
      .sinkTo(FileSink.forRowFormat<WindowResult>(output).build());
    const result = await env.execute('local-exactly-once');
    expect(failedOnce).toBe(true);
    expect(result).toBeDefined();
    expect(await committedLines(output)).toEqual(expectedResults());
  }, 60_000);
});
