import { describe, expect, it } from 'vitest';
import { Watermark } from '../../api/watermark/watermark.js';
import { WatermarkStatus } from '../../api/watermark/watermark-status.js';
import { WatermarkStrategy } from '../../api/watermark/watermark-strategy.js';
import type { RuntimeContext } from '../../api/functions/runtime-context.js';
import { TestingProcessingTimeService } from '../../test/support/keyed-operator-test-harness.js';
import type { Output } from './output.js';
import { SourceOperator } from './source-operator.js';

function setUp(strategy: WatermarkStrategy<number>) {
  const emitted: (string | number)[] = [];
  const output: Output = {
    collect: (value, timestamp) => emitted.push(`${String(value)}@${timestamp}`),
    collectSide: () => {},
    emitWatermark: (timestamp) => emitted.push(timestamp),
    emitWatermarkStatus: (status) => emitted.push(status),
  };
  const time = new TestingProcessingTimeService(0);
  const operator = new SourceOperator(
    {
      operatorName: 'Source: numbers',
      output,
      runtimeContext: {} as RuntimeContext,
      keyedStateBackend: undefined,
      stateKeySelector: undefined,
      processingTimeService: time,
      autoWatermarkInterval: 100,
    },
    strategy as WatermarkStrategy<unknown>,
  );
  return { emitted, operator, time };
}

describe('SourceOperator', () => {
  it('emits the minimum of the split watermarks on its periodic timer', async () => {
    const { emitted, operator, time } = setUp(WatermarkStrategy.forMonotonousTimestamps<number>());
    await operator.open();
    const output = operator.readerOutput();
    output.createOutputForSplit('a').collect(500, 500);
    output.createOutputForSplit('b').collect(300, 300);
    time.setProcessingTime(100);
    expect(emitted).toEqual(['500@500', '300@300', 299]);
    output.releaseOutputForSplit('b');
    expect(emitted.at(-1)).toBe(499);
    operator.endOfSourceInput();
    expect(emitted.at(-1)).toBe(Watermark.MAX_WATERMARK.timestamp);
  });

  it('passes records through untouched without a strategy, and still takes the reader’s own watermarks', async () => {
    const { emitted, operator, time } = setUp(WatermarkStrategy.noWatermarks<number>());
    await operator.open();
    const output = operator.readerOutput();
    const split = output.createOutputForSplit('s');
    split.collect(7, 70);
    output.collect(8);
    split.emitWatermark!(new Watermark(60));
    split.markIdle();
    time.setProcessingTime(1_000);
    expect(emitted).toEqual(['7@70', '8@undefined', 60, WatermarkStatus.IDLE]);
  });

  it('tells the attached reader that a checkpoint completed', async () => {
    const { operator } = setUp(WatermarkStrategy.noWatermarks<number>());
    const completed: number[] = [];
    operator.attachReader({ notifyCheckpointComplete: (id) => void completed.push(id) });
    await operator.notifyCheckpointComplete(4);
    expect(completed).toEqual([4]);
  });
});
