/**
 * The set-up both CLI-remote test files share: a temporary working directory for the CLI, and
 * after each test, no CLI process or testing REST server left running.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { stopTestingRestServers } from '../../jobmanager/rest/testing/testing-rest-server.js';
import { killRunningClis, makeTempDir } from '../support/cli.js';

/** Registers the hooks; the returned function gives the working directory once tests run. */
export function useCliRemoteTestSetUp(): () => string {
  let cwd: ReturnType<typeof makeTempDir> | undefined;
  beforeAll(() => {
    cwd = makeTempDir();
  });
  afterAll(() => {
    cwd?.remove();
  });
  afterEach(async () => {
    killRunningClis();
    await stopTestingRestServers();
  });
  return () => cwd!.path;
}
