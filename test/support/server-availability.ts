/**
 * Tests against real servers (Kafka, PostgreSQL, MariaDB) run only where the machine can start
 * them. Elsewhere they are skipped with a printed notice — except on CI (`CI` set), where a
 * missing server is a failure: CI must run them.
 */
import { describe, it } from 'vitest';

export type ServerAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether this run is on CI (`CI` set to anything but '', '0' or 'false'). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export type ServerSuiteMode =
  | { readonly kind: 'run' }
  | { readonly kind: 'skip'; readonly notice: string; readonly reason: string }
  | { readonly kind: 'fail'; readonly message: string };

/** The decision `describeWithServer` acts on (pure, for its own test). */
export function serverSuiteMode(
  server: string,
  availability: ServerAvailability,
  ci: boolean,
): ServerSuiteMode {
  if (availability.ok) return { kind: 'run' };
  if (ci) {
    return {
      kind: 'fail',
      message:
        `${server} is required on CI but not available: ${availability.reason}. ` +
        'Run .ci/install-test-servers.sh before the tests.',
    };
  }
  return {
    kind: 'skip',
    reason: `${server} is not available here: ${availability.reason}`,
    notice: `[skip] ${server} tests: ${availability.reason} (they fail instead when CI is set)`,
  };
}

/**
 * `describe(name, fn)` when `available()` says the server can run; otherwise the suite is skipped
 * with a notice on stderr, or, on CI, replaced by one failing test that says what is missing.
 */
export function describeWithServer(name: string, available: () => ServerAvailability, fn: () => void): void {
  const mode = serverSuiteMode(name, available(), isCi());
  switch (mode.kind) {
    case 'run':
      describe(name, fn);
      return;
    case 'skip':
      console.warn(mode.notice);
      describe.skip(`${name} (skipped: ${mode.reason})`, fn);
      return;
    case 'fail':
      describe(name, () => {
        it(`needs ${name}`, () => {
          throw new Error(mode.message);
        });
      });
      return;
  }
}
