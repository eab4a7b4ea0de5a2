/**
 * `freshet list` output, line for line as Flink's CliFrontend prints it: running/restarting,
 * scheduled (CREATED, INITIALIZING) and terminated jobs in sections, each sorted by start time,
 * one `dd.MM.yyyy HH:mm:ss : <job id> : <name> (<STATUS>)` line per job in local time.
 */
import { isGloballyTerminal, type JobStatus } from '../../common/job-status.js';
import type { JobOverviewEntry } from './rest-responses.js';

export const RUNNING_JOBS_HEADER = '------------------ Running/Restarting Jobs -------------------';
export const SCHEDULED_JOBS_HEADER = '----------------------- Scheduled Jobs -----------------------';
export const TERMINATED_JOBS_HEADER = '---------------------- Terminated Jobs -----------------------';
export const SECTION_FOOTER = '--------------------------------------------------------------';

/** Which sections to print (`-r`, `-s`, `-a`). */
export interface JobListSelection {
  readonly running: boolean;
  readonly scheduled: boolean;
  readonly all: boolean;
}

/** Flink: no flag shows running and scheduled jobs; `-a` shows every section. */
export function jobListSelection(flags: {
  readonly running?: boolean;
  readonly scheduled?: boolean;
  readonly all?: boolean;
}): JobListSelection {
  const running = flags.running === true;
  const scheduled = flags.scheduled === true;
  const all = flags.all === true;
  if (!running && !scheduled && !all) return { running: true, scheduled: true, all: false };
  return { running, scheduled, all };
}

export type JobListSection = 'running' | 'scheduled' | 'terminated';

export function sectionOf(status: JobStatus): JobListSection {
  if (status === 'CREATED' || status === 'INITIALIZING') return 'scheduled';
  return isGloballyTerminal(status) ? 'terminated' : 'running';
}

/** The lines `freshet list` prints (without a trailing newline each). */
export function formatJobList(jobs: readonly JobOverviewEntry[], selection: JobListSelection): string[] {
  const bySection = (section: JobListSection): JobOverviewEntry[] =>
    jobs.filter((job) => sectionOf(job.status) === section);
  const lines: string[] = [];
  if (selection.running || selection.all) {
    lines.push(...section(bySection('running'), RUNNING_JOBS_HEADER, 'No running jobs.'));
  }
  if (selection.scheduled || selection.all) {
    lines.push(...section(bySection('scheduled'), SCHEDULED_JOBS_HEADER, 'No scheduled jobs.'));
  }
  if (selection.all) {
    // As Flink: an empty terminated section prints nothing at all.
    lines.push(...section(bySection('terminated'), TERMINATED_JOBS_HEADER, undefined));
  }
  return lines;
}

function section(jobs: JobOverviewEntry[], header: string, whenEmpty: string | undefined): string[] {
  if (jobs.length === 0) return whenEmpty === undefined ? [] : [whenEmpty];
  const sorted = [...jobs].sort(
    (a, b) =>
      (a.startTime ?? -1) - (b.startTime ?? -1) ||
      a.status.localeCompare(b.status) ||
      a.jobId.localeCompare(b.jobId),
  );
  return [header, ...sorted.map(formatJobLine), SECTION_FOOTER];
}

export function formatJobLine(job: JobOverviewEntry): string {
  const start = job.startTime === undefined ? '--.--.---- --:--:--' : formatTimestamp(job.startTime);
  return `${start} : ${job.jobId} : ${job.name} (${job.status})`;
}

/** `dd.MM.yyyy HH:mm:ss` in the local time zone (Java's SimpleDateFormat pattern Flink uses). */
export function formatTimestamp(epochMillis: number): string {
  const date = new Date(epochMillis);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${two(date.getDate())}.${two(date.getMonth() + 1)}.${String(date.getFullYear()).padStart(4, '0')} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}
