/** Cluster endpoints: `/overview`, `/config`, `/jobmanager/config`, `/taskmanagers`. */
import {
  clusterOverviewJson,
  configurationInfoJson,
  dashboardConfigurationJson,
  taskManagersInfoJson,
} from './flink-cluster-json.js';
import { ok, type RestHandler, type RestHandlerContext } from './rest-handler.js';
import type { RestRouter } from './rest-router.js';

export function registerClusterHandlers(router: RestRouter<RestHandler>, context: RestHandlerContext): void {
  const { backend, clock } = context;
  router
    .add('GET', '/overview', async () =>
      ok(clusterOverviewJson(await backend.clusterOverview(), backend.versionInfo)),
    )
    .add('GET', '/config', () =>
      Promise.resolve(ok(dashboardConfigurationJson(backend.versionInfo, clock()))),
    )
    .add('GET', '/jobmanager/config', async () => ok(configurationInfoJson(await backend.configuration())))
    .add('GET', '/taskmanagers', async () => ok(taskManagersInfoJson(await backend.taskManagers())));
}
