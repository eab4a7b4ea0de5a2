/**
 * Probe endpoints for orchestrators (Kubernetes liveness and readiness), not part of Flink's REST
 * API: `GET /healthz` is 200 `{"status":"ok"}` while the process serves requests; `GET /readyz` is
 * 200 `{"status":"ready"}` once the JobManager finished starting up (HA recovery done, the
 * application job submitted in application mode) and 503 `{"status":"starting"}` before. Both are
 * reads, so `rest.auth.token` never applies to them (probes carry no token).
 */
import { HttpStatus } from './rest-handler-error.js';
import { ok, type RestHandler } from './rest-handler.js';
import type { RestRouter } from './rest-router.js';

export function registerHealthHandlers(router: RestRouter<RestHandler>, isReady: () => boolean): void {
  router
    .add('GET', '/healthz', () => Promise.resolve(ok({ status: 'ok' })))
    .add('GET', '/readyz', () =>
      Promise.resolve(
        isReady()
          ? ok({ status: 'ready' })
          : { status: HttpStatus.SERVICE_UNAVAILABLE, body: { status: 'starting' } },
      ),
    );
}
