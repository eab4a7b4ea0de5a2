import { describe, expect, it } from 'vitest';
import { TestingSinkInitContext, TestingSinkWriterContext } from '../testing/testing-sink-init-context.js';
import { DiscardingSink } from './discarding-sink.js';

describe('DiscardingSink', () => {
  it('accepts every record and emits nothing anywhere', () => {
    const context = new TestingSinkInitContext({ indexOfSubtask: 1, parallelism: 2 });
    const writer = new DiscardingSink<{ n: number }>().createWriter(context);
    const writeContext = new TestingSinkWriterContext();
    for (let n = 0; n < 10_000; n++) writer.write({ n }, writeContext);
    expect(writer.flush(false)).toBeUndefined(); // synchronous: nothing buffered to wait for
    expect(writer.flush(true)).toBeUndefined();
    expect(writer.close()).toBeUndefined();
    expect(context.stdoutWrites).toEqual([]);
    expect(context.sentToClient).toEqual([]);
  });

  it('keeps no state: every subtask gets the same stateless writer', () => {
    const sink = new DiscardingSink<string>();
    const first = sink.createWriter(new TestingSinkInitContext({ indexOfSubtask: 0 }));
    const second = sink.createWriter(new TestingSinkInitContext({ indexOfSubtask: 1 }));
    expect(second).toBe(first);
    expect(Object.keys(first).sort()).toEqual(['close', 'flush', 'write']);
  });
});
