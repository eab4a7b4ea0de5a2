import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Boundedness, InputStatus } from '../../api/connector/source.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { pollUntilEnd } from '../testing/poll-until-end.js';
import { TestingReaderOutput } from '../testing/testing-reader-output.js';
import { FileSource, type FileSourceSplit } from './file-source.js';
import { TextLineInputFormat } from './text-line-input-format.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'freshet-file-source-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(source: FileSource<string>, parallelism: number): Promise<string[][]> {
  const splits = source.createSplits(parallelism);
  const perSubtask: string[][] = [];
  for (let subtask = 0; subtask < parallelism; subtask++) {
    const reader = source.createReader();
    reader.addSplits(splits.filter((_, i) => i % parallelism === subtask));
    reader.notifyNoMoreSplits();
    perSubtask.push((await pollUntilEnd(reader)).records);
    await reader.close?.();
  }
  return perSubtask;
}

function textSource(...paths: string[]): FileSource<string> {
  return FileSource.forRecordStreamFormat(new TextLineInputFormat(), ...paths).build();
}

describe('FileSource with TextLineInputFormat', () => {
  beforeEach(() => {
    writeFileSync(join(dir, 'b.txt'), 'b1\nb2\n');
    writeFileSync(join(dir, 'a.txt'), 'a1\r\na2\n\na4'); // CRLF, an empty line, no final newline
    writeFileSync(join(dir, 'c.txt'), '');
    writeFileSync(join(dir, '.hidden'), 'nope\n');
    writeFileSync(join(dir, '_SUCCESS'), 'nope\n');
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'd.txt'), 'nope\n');
  });

  it('reads every visible file of a directory, in name order, non-recursively', async () => {
    const source = textSource(dir);
    expect(source.getBoundedness()).toBe(Boundedness.BOUNDED);
    expect(source.createSplits(1).map((split) => split.path)).toEqual(
      ['a.txt', 'b.txt', 'c.txt'].map((name) => join(dir, name)),
    );
    expect((await readAll(source, 1)).flat()).toEqual(['a1', 'a2', '', 'a4', 'b1', 'b2']);
  });

  it.each([2, 3, 4])('reads each line exactly once at parallelism %i', async (p) => {
    const perSubtask = await readAll(textSource(dir), p);
    expect(perSubtask.flat().sort()).toEqual(['', 'a1', 'a2', 'a4', 'b1', 'b2']);
    expect(perSubtask[1]).toEqual(['b1', 'b2']);
  });

  it('accepts single files and file:// URIs', async () => {
    const source = textSource(pathToFileURL(join(dir, 'b.txt')).href, join(dir, 'a.txt'));
    expect((await readAll(source, 1)).flat()).toEqual(['b1', 'b2', 'a1', 'a2', '', 'a4']);
  });

  it('names a missing path in a UserError', () => {
    const missing = join(dir, 'missing');
    const source = textSource(missing);
    expect(() => source.createSplits(1)).toThrow(UserError);
    expect(() => source.createSplits(1)).toThrow(`FileSource path '${missing}' does not exist`);
  });

  it('refuses unsupported schemes at build time', () => {
    expect(() => textSource('s3://bucket/in')).toThrow(/'s3:\/\/' is not supported yet/);
  });

  it('reads large files in chunks and resumes from a snapshot offset without loss or duplicates', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `line ${i} äöü ✓ ${'x'.repeat(i % 17)}`);
    writeFileSync(join(dir, 'big.txt'), `${lines.join('\n')}\n`);
    const source = textSource(join(dir, 'big.txt'));
    const first = source.createReader();
    first.addSplits(source.createSplits(1));
    const output = new TestingReaderOutput<string>();
    while (output.records.length < 5000) {
      if (first.pollNext(output) === InputStatus.NOTHING_AVAILABLE) await first.isAvailable();
    }
    const snapshot = JSON.parse(JSON.stringify(first.snapshotState(1))) as FileSourceSplit[];
    expect(snapshot).toHaveLength(1);
    expect(snapshot[0]?.offset).toBe(Buffer.byteLength(lines.slice(0, output.records.length).join('\n')) + 1);
    await first.close?.();

    const restored = source.createReader();
    restored.addSplits(snapshot);
    restored.notifyNoMoreSplits();
    const rest = await pollUntilEnd(restored);
    expect([...output.records, ...rest.records]).toEqual(lines);
    expect(restored.snapshotState(2)).toEqual([]);
    await restored.close?.();
  });

  it('fails with a UserError when a file vanished before it is read', async () => {
    const source = textSource(dir);
    const splits = source.createSplits(1);
    rmSync(join(dir, 'a.txt'));
    const reader = source.createReader();
    reader.addSplits(splits);
    reader.notifyNoMoreSplits();
    await expect(pollUntilEnd(reader)).rejects.toThrow(/does not exist/);
    await reader.close?.();
  });
});
