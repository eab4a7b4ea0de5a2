/**
 * A real DispatcherRestBackend without jobs, jars or TaskManagers, for tests of the calls that
 * need none (savepoint disposal works on the local file system through it).
 */
import { Configuration } from '../../../common/config/configuration.js';
import { SlotPool } from '../../resourcemanager/slot-pool.js';
import { DispatcherRestBackend, type DispatcherRestBackendOptions } from '../dispatcher-rest-backend.js';

export function joblessRestBackend(): DispatcherRestBackend {
  return new DispatcherRestBackend({
    dispatcher: {
      getJob: () => {
        throw new Error('no jobs here');
      },
      listJobs: () => [],
      submitJob: () => Promise.reject(new Error('not here')),
    },
    slotPool: new SlotPool(),
    jarStore: {} as DispatcherRestBackendOptions['jarStore'],
    jobGraphBuilder: { build: () => Promise.reject(new Error('not here')) },
    configuration: new Configuration(),
    versionInfo: { version: 'v', revision: 'r' },
    taskManagers: () => [],
  });
}
