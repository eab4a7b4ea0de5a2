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

  it('checks discriminated subtypes, allOf fields and lower-case ProcessingMode', () => {
    const path = '/jobs/{jobid}/checkpoints/details/{checkpointid}';
    const base = {
      id: 1,
      status: 'COMPLETED',
      is_savepoint: false,
      savepointFormat: null,
      trigger_timestamp: 1,
      latest_ack_timestamp: 2,
      checkpointed_size: 0,
      state_size: 0,
      end_to_end_duration: 1,
      alignment_buffered: 0,
      processed_data: 0,
      persisted_data: 0,
      num_subtasks: 1,
      num_acknowledged_subtasks: 1,
      checkpoint_type: 'CHECKPOINT',
      tasks: {},
    };
    const completed = { ...base, className: 'completed', external_path: '/c', discarded: false };
    expect(flinkSpecViolations(path, 'GET', 200, completed)).toEqual([]);
    expect(
      flinkSpecViolations(path, 'GET', 200, { ...base, className: 'completed', external_path: '/c' }),
    ).toEqual(["$: field 'discarded' is missing"]);
    expect(flinkSpecViolations(path, 'GET', 200, { ...completed, className: 'in_progress' })).toEqual([
      "$: field 'external_path' is not in the spec",
      "$: field 'discarded' is not in the spec",
    ]);
    expect(flinkSpecViolations(path, 'GET', 200, { ...completed, className: 'done' })).toContain(
      '$.className: "done" names no subtype',
    );
    const config = flinkSpecViolations('/jobs/{jobid}/checkpoints/config', 'GET', 200, {
      mode: 'EXACTLY_ONCE',
    });
    expect(config).toContain("$.mode: 'EXACTLY_ONCE' not in enum");
    expect(
      flinkSpecViolations('/jobs/{jobid}/checkpoints/config', 'GET', 200, { mode: 'exactly_once' }),
    ).not.toContain("$.mode: 'exactly_once' not in enum");
  });

  it('checks oneOf alternatives, NON_NULL SavepointInfo and the fields of SerializedThrowable', () => {
    const path = '/jobs/{jobid}/savepoints/{triggerid}';
    const completed = { status: { id: 'COMPLETED' }, operation: { location: '/sp' } };
    expect(flinkSpecViolations(path, 'GET', 200, completed)).toEqual([]);
    expect(flinkSpecViolations(path, 'GET', 200, { status: { id: 'IN_PROGRESS' }, operation: null })).toEqual(
      [],
    );
    const cause = { class: 'CheckpointException', 'stack-trace': 's', 'serialized-throwable': 'e30=' };
    expect(
      flinkSpecViolations(path, 'GET', 200, {
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': cause },
      }),
    ).toEqual([]);
    expect(
      flinkSpecViolations(path, 'GET', 200, {
        status: { id: 'DONE' },
        operation: { location: '/sp', path: '/sp' },
      }),
    ).toEqual(["$.operation: field 'path' is not in the spec", "$.status.id: 'DONE' not in enum"]);
    expect(flinkSpecViolations('/jobs/{jobid}/savepoints', 'POST', 202, { 'request-id': 'x' })).toEqual([
      "$.request-id: 'x' does not match [0-9a-f]{32}",
    ]);
  });
});
