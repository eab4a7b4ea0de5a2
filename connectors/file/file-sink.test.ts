import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SinkWriter } from '../../api/connector/sink.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { TestingSinkInitContext, TestingSinkWriterContext } from '../testing/testing-sink-init-context.js';
import { SimpleStringEncoder } from './encoder.js';
import { FileSink } from './file-sink.js';
import { DefaultRollingPolicy } from './rolling-policy.js';

let dir: string;
const writeContext = new TestingSinkWriterContext();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'freshet-file-sink-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const files = (): string[] => readdirSync(dir).sort();
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

function writer<T>(sink: FileSink<T>, context = new TestingSinkInitContext()): Promise<SinkWriter<T>> {
  return Promise.resolve(sink.createWriter(context));
}

describe('FileSink (row format)', () => {
  it('keeps files hidden until the end of input, then commits them as part-<uid>-<subtask>-<n>', async () => {
    const sink = FileSink.forRowFormat<{ id: number }>(join(dir, 'out')).build();
    const context = new TestingSinkInitContext({
      operatorUidOrId: 'orders',
      indexOfSubtask: 2,
      parallelism: 3,
    });
    const w = await writer(sink, context);
    w.write({ id: 1 }, writeContext);
    w.write({ id: 2 }, writeContext);
    await w.flush(false);
    dir = join(dir, 'out');
    expect(files()).toEqual(['.part-orders-2-0.inprogress']);
    expect(read('.part-orders-2-0.inprogress')).toBe('{"id":1}\n{"id":2}\n');
    await w.flush(true);
    await w.close();
    expect(files()).toEqual(['part-orders-2-0']);
    expect(read('part-orders-2-0')).toBe('{"id":1}\n{"id":2}\n');
  });

  it('buffers writes (nothing on disk before ~64 KiB) and rolls parts by size', async () => {
    const sink = FileSink.forRowFormat<string>(pathToFileURL(dir).href, new SimpleStringEncoder())
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(100).build())
      .build();
    const w = await writer(sink);
    for (let i = 0; i < 25; i++) w.write(`row-${String(i).padStart(4, '0')}`, writeContext); // 9 bytes each
    expect(files()).toEqual(['.part-sink-0-2.inprogress', 'part-sink-0-0', 'part-sink-0-1']);
    expect(read('.part-sink-0-2.inprogress')).toBe('');
    await w.flush(true);
    expect(files()).toEqual(['part-sink-0-0', 'part-sink-0-1', 'part-sink-0-2']);
    // After 11 rows (99 bytes) the 12th still fits; with 108 bytes >= 100 the 13th starts a new part.
    expect(read('part-sink-0-0').split('\n')).toHaveLength(13);
    expect(read('part-sink-0-2')).toBe('row-0024\n');
    const all = files().map(read).join('');
    expect(all).toBe(Array.from({ length: 25 }, (_, i) => `row-${String(i).padStart(4, '0')}\n`).join(''));
    expect(files().every((name) => Buffer.byteLength(read(name)) <= 108)).toBe(true);
  });

  it('rolls by rollover interval on flush, using the injected clock', async () => {
    const sink = FileSink.forRowFormat<number>(dir, (n) => `${n}\n`)
      .withRollingPolicy(DefaultRollingPolicy.builder().withRolloverInterval(1000).build())
      .withOutputFileConfig({ partPrefix: 'data', partSuffix: '.txt' })
      .build();
    const context = new TestingSinkInitContext({ operatorUidOrId: 'u' });
    const w = await writer(sink, context);
    w.write(1, writeContext);
    context.nowMillis = 999;
    await w.flush(false);
    expect(files()).toEqual(['.data-u-0-0.txt.inprogress']);
    context.nowMillis = 1000;
    await w.flush(false);
    expect(files()).toEqual(['data-u-0-0.txt']);
    w.write(2, writeContext);
    await w.close(); // cancelled: the open part stays hidden
    expect(files()).toEqual(['.data-u-0-1.txt.inprogress', 'data-u-0-0.txt']);
  });

  it('accepts an encoder object', async () => {
    const sink = FileSink.forRowFormat<number>(dir, { encode: (n) => `n=${n};` }).build();
    const w = await writer(sink);
    w.write(1, writeContext);
    w.write(2, writeContext);
    await w.flush(true);
    expect(read('part-sink-0-0')).toBe('n=1;n=2;');
  });

  it('creates no file for a writer that got no records', async () => {
    const w = await writer(FileSink.forRowFormat(dir).build());
    await w.flush(true);
    expect(files()).toEqual([]);
  });

  it('accepts s3:// paths but refuses other schemes, bad buckets and bad output file configs', () => {
    expect(FileSink.forRowFormat('s3://bucket/prefix').build()).toBeInstanceOf(FileSink);
    expect(() => FileSink.forRowFormat('hdfs://nn/out').build()).toThrow(UserError);
    expect(() => FileSink.forRowFormat('hdfs://nn/out').build()).toThrow(
      /unsupported scheme 'hdfs:\/\/'; use a local path, a file:\/\/ URI or s3:\/\/bucket\/prefix/,
    );
    expect(() => FileSink.forRowFormat('s3://Bad_Bucket/x').build()).toThrow(
      /FileSink path .* valid S3 bucket/,
    );
    expect(() => FileSink.forRowFormat(dir).withOutputFileConfig({ partPrefix: '.x' })).toThrow(/partPrefix/);
    expect(() => FileSink.forRowFormat(dir).withOutputFileConfig({ partSuffix: 'a/b' })).toThrow(/separator/);
  });
});
