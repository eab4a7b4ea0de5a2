import { describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import { formatJobList, formatTimestamp, jobListSelection } from './job-list-output.js';
import type { JobOverviewEntry } from './rest-responses.js';

/** Epoch millis of a local wall-clock time, so the expected text does not depend on the time zone. */
function local(year: number, month: number, day: number, h: number, m: number, s: number): number {
  return new Date(year, month - 1, day, h, m, s).getTime();
}

function job(id: string, name: string, status: JobStatus, startTime: number | undefined): JobOverviewEntry {
  return {
    jobId: JobId.parse(id.repeat(32).slice(0, 32)),
    name,
    status,
    startTime,
    endTime: undefined,
    duration: 0,
  };
}

const RUNNING_LATE = job('a', 'Word Count', 'RUNNING', local(2026, 11, 21, 10, 0, 0));
const RESTARTING_EARLY = job('b', 'Sessions', 'RESTARTING', local(2026, 11, 21, 9, 5, 7));
const CREATED = job('c', 'Queued', 'CREATED', local(2026, 1, 2, 3, 4, 5));
const INITIALIZING = job('d', 'Starting', 'INITIALIZING', local(2026, 1, 2, 3, 4, 6));
const FINISHED = job('e', 'Done', 'FINISHED', local(2025, 12, 31, 23, 59, 59));
const CANCELED = job('f', 'Stopped', 'CANCELED', local(2025, 12, 31, 23, 0, 0));
const ALL = [RUNNING_LATE, FINISHED, CREATED, RESTARTING_EARLY, CANCELED, INITIALIZING];

const DASHES = '--------------------------------------------------------------';

describe('formatTimestamp', () => {
  it('is dd.MM.yyyy HH:mm:ss in local time', () => {
    expect(formatTimestamp(local(2026, 11, 21, 10, 0, 0))).toBe('21.11.2026 10:00:00');
    expect(formatTimestamp(local(2024, 2, 9, 7, 8, 9))).toBe('09.02.2024 07:08:09');
  });
});

describe('jobListSelection', () => {
  it('shows running and scheduled jobs when no flag is given, as Flink', () => {
    expect(jobListSelection({})).toEqual({ running: true, scheduled: true, all: false });
    expect(jobListSelection({ running: true })).toEqual({ running: true, scheduled: false, all: false });
    expect(jobListSelection({ all: true })).toEqual({ running: false, scheduled: false, all: true });
  });
});

describe('formatJobList', () => {
  it('prints running (sorted by start time) and scheduled sections by default', () => {
    expect(formatJobList(ALL, jobListSelection({}))).toEqual([
      '------------------ Running/Restarting Jobs -------------------',
      `21.11.2026 09:05:07 : ${'b'.repeat(32)} : Sessions (RESTARTING)`,
      `21.11.2026 10:00:00 : ${'a'.repeat(32)} : Word Count (RUNNING)`,
      DASHES,
      '----------------------- Scheduled Jobs -----------------------',
      `02.01.2026 03:04:05 : ${'c'.repeat(32)} : Queued (CREATED)`,
      `02.01.2026 03:04:06 : ${'d'.repeat(32)} : Starting (INITIALIZING)`,
      DASHES,
    ]);
  });

  it('adds the terminated section with -a', () => {
    const lines = formatJobList(ALL, jobListSelection({ all: true }));
    expect(lines.slice(-4)).toEqual([
      '---------------------- Terminated Jobs -----------------------',
      `31.12.2025 23:00:00 : ${'f'.repeat(32)} : Stopped (CANCELED)`,
      `31.12.2025 23:59:59 : ${'e'.repeat(32)} : Done (FINISHED)`,
      DASHES,
    ]);
    expect(lines.filter((line) => line === DASHES)).toHaveLength(3);
  });

  it('says so when a requested section is empty; an empty terminated section prints nothing', () => {
    expect(formatJobList([], jobListSelection({}))).toEqual(['No running jobs.', 'No scheduled jobs.']);
    expect(formatJobList([], jobListSelection({ all: true }))).toEqual([
      'No running jobs.',
      'No scheduled jobs.',
    ]);
    expect(formatJobList([FINISHED], jobListSelection({ running: true }))).toEqual(['No running jobs.']);
    expect(formatJobList([RUNNING_LATE], jobListSelection({ scheduled: true }))).toEqual([
      'No scheduled jobs.',
    ]);
  });

  it('shows an unknown start time as dashes', () => {
    const lines = formatJobList([job('1', 'New', 'INITIALIZING', undefined)], jobListSelection({}));
    expect(lines).toContain(`--.--.---- --:--:-- : ${'1'.repeat(32)} : New (INITIALIZING)`);
  });
});
