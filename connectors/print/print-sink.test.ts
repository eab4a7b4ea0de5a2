import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestingSinkInitContext, TestingSinkWriterContext } from '../testing/testing-sink-init-context.js';
import { linePrefix, PrintSink } from './print-sink.js';

const writeContext = new TestingSinkWriterContext();

async function print<T>(sink: PrintSink<T>, records: T[], indexOfSubtask: number, parallelism: number) {
  const context = new TestingSinkInitContext({ indexOfSubtask, parallelism });
  const writer = sink.createWriter(context);
  for (const record of records) writer.write(record, writeContext);
  const beforeFlush = context.stdout();
  await writer.flush(true);
  return { beforeFlush, output: context.stdout(), writes: context.stdoutWrites };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PrintSink', () => {
  it('prints JSON lines without prefix at parallelism 1', async () => {
    const { beforeFlush, output, writes } = await print(
      new PrintSink<unknown>(),
      ['a', 1, { k: [1, 'x'] }, null],
      0,
      1,
    );
    expect(beforeFlush).toBe('');
    expect(output).toBe('"a"\n1\n{"k":[1,"x"]}\nnull\n');
    expect(writes).toHaveLength(1);
  });

  it('prefixes the subtask index + 1 at parallelism 3', async () => {
    const { output } = await print(new PrintSink<string>(), ['a', 'b'], 2, 3);
    expect(output).toBe('3> "a"\n3> "b"\n');
  });

  it('uses the prefix as Flink does', async () => {
    expect((await print(new PrintSink<number>('out'), [7], 0, 1)).output).toBe('out> 7\n');
    expect((await print(new PrintSink<number>('out'), [7], 1, 3)).output).toBe('out:2> 7\n');
    expect(linePrefix('', 0, 1)).toBe('');
  });

  it('writes in batches of about 64 KiB and everything on flush', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => `record-${i}`);
    const { beforeFlush, output, writes } = await print(new PrintSink<string>(), records, 0, 1);
    expect(beforeFlush.length).toBeGreaterThan(64 * 1024);
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.every((text) => text.endsWith('\n') && text.length < 70 * 1024)).toBe(true);
    expect(output).toBe(records.map((r) => `"${r}"\n`).join(''));
  });

  it('prints values JSON cannot represent', async () => {
    const { output } = await print(new PrintSink<unknown>(), [undefined, 10n, { n: 2n }], 0, 1);
    expect(output).toBe('undefined\n"10"\n{"n":"2"}\n');
  });

  it('writes to stderr with stdErr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { output } = await print(new PrintSink<string>('err', true), ['x'], 0, 2);
    expect(output).toBe('');
    expect(stderr).toHaveBeenCalledWith('err:1> "x"\n');
  });
});
