import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { TestingSinkInitContext, TestingSinkWriterContext } from '../testing/testing-sink-init-context.js';
import type { FileSinkCommittable, FileSinkWriterState } from './file-sink-committable.js';
import { FileSink } from './file-sink.js';
import { DefaultRollingPolicy } from './rolling-policy.js';

let dir: string;
const writeContext = new TestingSinkWriterContext();
const checkpointing = (): TestingSinkInitContext =>
  new TestingSinkInitContext({ operatorUidOrId: 'op', checkpointingEnabled: true });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'freshet-file-sink-2pc-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const files = (): string[] => readdirSync(dir).sort();
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const visible = (): string[] => files().filter((name) => !name.startsWith('.'));

describe('FileSink two-phase commit (local files)', () => {
  it('keeps parts invisible until the committer commits them, and commits idempotently', async () => {
    const sink = FileSink.forRowFormat<number>(dir, (n) => `${n}\n`).build();
    const context = checkpointing();
    const writer = sink.createWriter(context);
    writer.write(1, writeContext);
    writer.write(2, writeContext);
    await writer.flush(false);
    const committables = await writer.prepareCommit(1);
    expect(committables).toEqual([
      {
        kind: 'local',
        inProgressPath: join(dir, '.part-op-0-0.inprogress'),
        finalPath: join(dir, 'part-op-0-0'),
      },
    ]);
    // Plain data: survives the checkpoint's msgpack round trip unchanged.
    const packr = new Packr({ useRecords: false, mapsAsObjects: true });
    const restored = packr.unpack(packr.pack(committables)) as FileSinkCommittable[];
    expect(restored).toEqual(committables);
    expect(visible()).toEqual([]);
    expect(await writer.prepareCommit(2)).toEqual([]);

    const committer = sink.createCommitter(context);
    await committer.commit(restored);
    expect(files()).toEqual(['part-op-0-0']);
    expect(read('part-op-0-0')).toBe('1\n2\n');
    await committer.commit(restored); // again, as after a restore
    expect(files()).toEqual(['part-op-0-0']);
    committer.close();
    writer.close();
  });

  it('rolls by size between checkpoints without committing; flush(true) only flushes', async () => {
    const sink = FileSink.forRowFormat<string>(dir, (s) => `${s}\n`)
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(10).build())
      .build();
    const context = checkpointing();
    const writer = sink.createWriter(context);
    for (const row of ['aaaaa', 'bbbbb', 'ccccc', 'ddddd', 'eeeee']) writer.write(row, writeContext); // 6 bytes each
    await writer.flush(true);
    expect(visible()).toEqual([]);
    expect(files()).toHaveLength(3);
    const committables = await writer.prepareCommit(7);
    expect(committables.map((c) => (c.kind === 'local' ? c.finalPath : c.key))).toEqual(
      [0, 1, 2].map((n) => join(dir, `part-op-0-${n}`)),
    );
    expect(visible()).toEqual([]);
    await sink.createCommitter(context).commit(committables);
    expect(files()).toEqual(['part-op-0-0', 'part-op-0-1', 'part-op-0-2']);
    expect(files().map(read).join('')).toBe('aaaaa\nbbbbb\nccccc\nddddd\neeeee\n');
  });

  it('rolls by time on flush between checkpoints, still without committing', async () => {
    const sink = FileSink.forRowFormat<number>(dir, (n) => `${n}\n`)
      .withRollingPolicy(DefaultRollingPolicy.builder().withRolloverInterval(1000).build())
      .build();
    const context = checkpointing();
    const writer = sink.createWriter(context);
    writer.write(1, writeContext);
    context.nowMillis = 1000;
    await writer.flush(false);
    writer.write(2, writeContext);
    expect(files()).toEqual(['.part-op-0-0.inprogress', '.part-op-0-1.inprogress']);
    expect(await writer.prepareCommit(1)).toHaveLength(2);
  });

  it('continues part numbering after a restore and re-commits the restored checkpoint', async () => {
    const sink = FileSink.forRowFormat<string>(dir, (s) => `${s}\n`).build();
    const first = sink.createWriter(checkpointing());
    first.write('before', writeContext);
    const checkpoint1 = await first.prepareCommit(1);
    const state: FileSinkWriterState[] = first.snapshotState(1);
    expect(state).toEqual([{ nextPartCounter: 1 }]);
    first.write('lost', writeContext); // after checkpoint 1: part 1, never committed
    await first.flush(false);
    first.close(); // the attempt fails before checkpoint 1 is committed

    const context = checkpointing();
    const second = sink.createWriter(context, [state[0]!, { nextPartCounter: 0 }]);
    second.write('after', writeContext);
    const checkpoint2 = await second.prepareCommit(2);
    expect(second.snapshotState(2)).toEqual([{ nextPartCounter: 2 }]);
    const committer = sink.createCommitter(context);
    await committer.commit(checkpoint1);
    await committer.commit(checkpoint2);
    expect(files()).toEqual(['part-op-0-0', 'part-op-0-1']);
    expect(read('part-op-0-0')).toBe('before\n');
    expect(read('part-op-0-1')).toBe('after\n');
  });

  it('refuses a recovered state without a valid counter', () => {
    const sink = FileSink.forRowFormat(dir).build();
    const bad = [{ nextPartCounter: -1 }] as FileSinkWriterState[];
    expect(() => sink.createWriter(checkpointing(), bad)).toThrow(/no valid nextPartCounter/);
  });

  it('fails loudly when a part to commit is gone', async () => {
    const sink = FileSink.forRowFormat<number>(dir).build();
    const context = checkpointing();
    const writer = sink.createWriter(context);
    writer.write(1, writeContext);
    const committables = await writer.prepareCommit(1);
    rmSync(join(dir, '.part-op-0-0.inprogress'));
    const committer = sink.createCommitter(context);
    const failure = await committer.commit(committables).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FreshetError);
    expect(failure).toMatchObject({ code: 'FILE_SINK_COMMIT_FAILED', domain: 'external', retryable: false });
    expect((failure as Error).message).toContain(join(dir, 'part-op-0-0'));
    expect((failure as Error).message).toMatch(/neither it nor its in-progress file .* exists.*lost/);
    expect(existsSync(join(dir, 'part-op-0-0'))).toBe(false);
  });

  it('without checkpoints, prepareCommit commits itself and returns nothing', async () => {
    const sink = FileSink.forRowFormat<number>(dir).build();
    const writer = sink.createWriter(new TestingSinkInitContext({ operatorUidOrId: 'op' }));
    writer.write(1, writeContext);
    expect(await writer.prepareCommit(1)).toEqual([]);
    expect(files()).toEqual(['part-op-0-0']);
    writer.write(2, writeContext);
    await writer.flush(true);
    expect(files()).toEqual(['part-op-0-0', 'part-op-0-1']);
    expect(await writer.prepareCommit(2)).toEqual([]);
  });
});
