/**
 * End to end: an event-time job run with the built CLI (`freshet run … -p 2`): session windows per
 * user over a deterministic stream of clicks, with late clicks going to a side output. The
 * expected sessions are worked out by hand below from the fixture's clicks.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assignKeyToParallelOperator } from '../common/key-groups.js';
import {
  JOBS_DIR,
  killRunningClis,
  makeTempDir,
  nonBlankLines,
  parsePrintLines,
  runCli,
} from './support/cli.js';

const RUN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
const JOB = join(JOBS_DIR, 'sessions-with-late-data.ts');

interface Session {
  user: string;
  start: number;
  end: number;
  clicks: number;
  pages: string[];
}

interface LateClick {
  late: string;
  ts: number;
  page: string;
}

/**
 * The fixture's clicks with a watermark of maxSeen - 1 after each and a 10 s gap:
 * - watermark 29 999 (bob @ 30 000) closes bob [2000, 12000), alice [1000, 15000) (1000 and 5000
 *   merged) and carol [6000, 16000); alice @ 3000 then only has [3000, 13000), already gone: late;
 * - watermark 59 999 (dave @ 60 000) closes dave [31000, 41000), alice [35000, 45000) and bob
 *   [30000, 48000) (30 000 and 38 000 merged); carol @ 40 000 would need [40000, 50000): late;
 * - the end of input closes dave [60000, 75000) (60 000 and 65 000 merged).
 * Listed in the order their windows fire.
 */
const EXPECTED_SESSIONS: Session[] = [
  { user: 'bob', start: 2_000, end: 12_000, clicks: 1, pages: ['/home'] },
  { user: 'alice', start: 1_000, end: 15_000, clicks: 2, pages: ['/home', '/cart'] },
  { user: 'carol', start: 6_000, end: 16_000, clicks: 1, pages: ['/home'] },
  { user: 'dave', start: 31_000, end: 41_000, clicks: 1, pages: ['/home'] },
  { user: 'alice', start: 35_000, end: 45_000, clicks: 1, pages: ['/home'] },
  { user: 'bob', start: 30_000, end: 48_000, clicks: 2, pages: ['/search', '/checkout'] },
  { user: 'dave', start: 60_000, end: 75_000, clicks: 2, pages: ['/search', '/cart'] },
];

const EXPECTED_LATE: LateClick[] = [
  { late: 'alice', ts: 3_000, page: '/late' },
  { late: 'carol', ts: 40_000, page: '/late' },
];

/** The print prefix of a user's lines: 1 + the subtask owning the key (maxParallelism 128, p = 2). */
const prefixOf = (user: string): number => 1 + assignKeyToParallelOperator(user, 128, 2);

const canonical = (records: readonly unknown[]): string[] => records.map((r) => JSON.stringify(r)).sort();

let cwd: ReturnType<typeof makeTempDir>;

beforeAll(() => {
  cwd = makeTempDir();
});

afterAll(() => {
  cwd.remove();
});

afterEach(() => {
  killRunningClis();
});

describe('freshet run: an event-time job', () => {
  it(
    'prints the sessions per user and the late clicks, each from the subtask that owns the user (-p 2)',
    async () => {
      const result = await runCli(['run', JOB, '-p', '2'], { cwd: cwd.path, timeoutMs: RUN_TIMEOUT_MS });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/has finished/);

      const lines = nonBlankLines(result.stdout);
      for (const line of lines) expect(line).toMatch(/^[12]> \{.*\}$/);
      const printed = parsePrintLines<Session | LateClick>(result.stdout);
      const sessions = printed.filter((p): p is { subtask: number; record: Session } => 'user' in p.record);
      const late = printed.filter((p): p is { subtask: number; record: LateClick } => 'late' in p.record);
      expect(sessions.length + late.length).toBe(printed.length);

      expect(canonical(sessions.map((s) => s.record))).toEqual(canonical(EXPECTED_SESSIONS));
      expect(canonical(late.map((l) => l.record))).toEqual(canonical(EXPECTED_LATE));

      // Keys are spread over both subtasks, and every line comes from the key's owner.
      expect(new Set(EXPECTED_SESSIONS.map((s) => prefixOf(s.user)))).toEqual(new Set([1, 2]));
      for (const { subtask, record } of sessions) expect(subtask, record.user).toBe(prefixOf(record.user));
      for (const { subtask, record } of late) expect(subtask, record.late).toBe(prefixOf(record.late));

      // Within a subtask, sessions come out in the order their windows fired.
      for (const prefix of [1, 2]) {
        expect(
          sessions.filter((s) => s.subtask === prefix).map((s) => s.record),
          `subtask ${prefix}`,
        ).toEqual(EXPECTED_SESSIONS.filter((s) => prefixOf(s.user) === prefix));
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'prints the same records at -p 1, without prefixes',
    async () => {
      const result = await runCli(['run', JOB, '-p', '1'], { cwd: cwd.path, timeoutMs: RUN_TIMEOUT_MS });
      expect(result.code, result.stderr).toBe(0);
      const printed = parsePrintLines<Session | LateClick>(result.stdout);
      for (const { subtask } of printed) expect(subtask).toBeUndefined();
      const sessions = printed.map((p) => p.record).filter((r): r is Session => 'user' in r);
      expect(sessions).toEqual(EXPECTED_SESSIONS);
      expect(canonical(printed.map((p) => p.record).filter((r) => 'late' in r))).toEqual(
        canonical(EXPECTED_LATE),
      );
    },
    TEST_TIMEOUT_MS,
  );
});
