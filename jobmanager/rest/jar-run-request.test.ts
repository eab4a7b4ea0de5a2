import { describe, expect, it } from 'vitest';
import { parseJarRunRequest, tokenize } from './jar-run-request.js';

const q = (query = ''): URLSearchParams => new URLSearchParams(query);

describe('parseJarRunRequest', () => {
  it('reads Flink JarRunRequestBody fields', () => {
    expect(
      parseJarRunRequest(
        { programArgsList: ['a'], parallelism: 3, savepointPath: 's3://b/sp', allowNonRestoredState: true },
        q(),
      ),
    ).toEqual({
      programArgsList: ['a'],
      parallelism: 3,
      savepointPath: 's3://b/sp',
      allowNonRestoredState: true,
    });
  });

  it('treats null, -1 parallelism and an empty savepoint path as "not given"', () => {
    expect(
      parseJarRunRequest(
        { programArgsList: null, parallelism: -1, savepointPath: '', restoreMode: null },
        q(),
      ),
    ).toEqual({ programArgsList: [], allowNonRestoredState: false });
  });

  it('falls back to query parameters, and the body wins over them', () => {
    expect(
      parseJarRunRequest(undefined, q('parallelism=5&allowNonRestoredState=true&savepointPath=/sp')),
    ).toEqual({
      programArgsList: [],
      parallelism: 5,
      savepointPath: '/sp',
      allowNonRestoredState: true,
    });
    expect(parseJarRunRequest({ parallelism: 2 }, q('parallelism=5')).parallelism).toBe(2);
    expect(parseJarRunRequest(undefined, q('program-args=--a "b c"')).programArgsList).toEqual([
      '--a',
      'b c',
    ]);
  });

  it('splits the deprecated programArgs string like a shell would (quotes kept together)', () => {
    expect(
      parseJarRunRequest({ programArgs: `--in 'a b' --out "c \\"d\\"" e` }, q()).programArgsList,
    ).toEqual(['--in', 'a b', '--out', 'c "d"', 'e']);
    expect(tokenize('   ')).toEqual([]);
  });

  it.each([
    [{ parallelism: 1.5 }, 'positive integer'],
    [{ parallelism: '2' }, 'positive integer'],
    [{ savepointPath: 7 }, 'savepointPath must be a string'],
    [{ entryClass: 'Main' }, 'not supported'],
    [{ flinkConfiguration: ['state.backend.type'] }, 'flinkConfiguration must be an object'],
    [
      { flinkConfiguration: { 'state.backend.type': { deep: 1 } } },
      "flinkConfiguration['state.backend.type']",
    ],
    ['text', 'must be a JSON object'],
    [null, 'must be a JSON object'],
  ])('rejects %j', (body, message) => {
    expect(() => parseJarRunRequest(body, q())).toThrow(message);
  });

  it("takes Flink's flinkConfiguration as the job's own configuration keys", () => {
    const request = parseJarRunRequest(
      { flinkConfiguration: { 'state.backend.type': 'rocksdb', 'parallelism.default': 3 } },
      q(),
    );
    expect(request.flinkConfiguration).toEqual({
      'state.backend.type': 'rocksdb',
      'parallelism.default': '3',
    });
  });

  it('rejects a bad query parallelism', () => {
    expect(() => parseJarRunRequest(undefined, q('parallelism=many'))).toThrow('positive integer');
  });
});
