import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FLINK_REST_SPEC, flinkSpecViolations } from './flink-rest-conformance.js';

/** Flink's full spec, next to the repository checkout when it is there (`../shared/flink/`). */
const FULL_SPEC = new URL('../../../../shared/flink/rest_v1_dispatcher.yml', import.meta.url);

describe('flink-rest-spec.json', () => {
  it.skipIf(!existsSync(FULL_SPEC))(
    'is an exact extract of rest_v1_dispatcher.yml (skipped where ../shared/flink is not checked out)',
    () => {
      const full = parse(readFileSync(FULL_SPEC, 'utf8')) as {
        components: { schemas: Record<string, unknown> };
        paths: Record<string, Record<string, { operationId: string }>>;
      };
      for (const [name, schema] of Object.entries(FLINK_REST_SPEC.schemas)) {
        expect(schema, name).toEqual(full.components.schemas[name]);
      }
      for (const [path, methods] of Object.entries(FLINK_REST_SPEC.paths)) {
        for (const method of Object.keys(methods))
          expect(full.paths[path]?.[method], `${method} ${path}`).toBeDefined();
      }
    },
  );
});

describe('flinkSpecViolations', () => {
  it('reports missing, extra and mistyped fields and unlisted statuses', () => {
    expect(flinkSpecViolations('/jars/upload', 'POST', 200, { filename: '/x', status: 'success' })).toEqual(
      [],
    );
    expect(flinkSpecViolations('/jars/upload', 'POST', 200, { status: 'ok', extra: 1 })).toEqual([
      "$: field 'extra' is not in the spec",
      "$: field 'filename' is missing",
      "$.status: 'ok' not in enum",
    ]);
    expect(flinkSpecViolations('/jars/{jarid}/run', 'POST', 200, { jobid: 'nope' })).toEqual([
      "$.jobid: 'nope' does not match [0-9a-f]{32}",
    ]);
    expect(flinkSpecViolations('/jobs/{jobid}', 'PATCH', 200, {})).toEqual([
      'status 200 is not in the spec for PATCH /jobs/{jobid}: 202',
    ]);
  });
});
