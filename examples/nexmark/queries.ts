/**
 * The Nexmark queries implemented here, by the suite's names (q6, q9, q10 and q13+ are not).
 * The benchmark harness looks them up by name.
 */
import type { NexmarkQuery } from './nexmark-job.js';
import { q0 } from './q0.js';
import { q1 } from './q1.js';
import { q2 } from './q2.js';
import { q3 } from './q3.js';
import { q4 } from './q4.js';
import { q5 } from './q5.js';
import { q7 } from './q7.js';
import { q8 } from './q8.js';
import { q11 } from './q11.js';
import { q12 } from './q12.js';

/** A query whose result type the caller does not need (the runtime never looks at it). */
function erased<R>(query: NexmarkQuery<R>): NexmarkQuery<unknown> {
  return query as unknown as NexmarkQuery<unknown>;
}

export const NEXMARK_QUERIES = {
  q0: erased(q0),
  q1: erased(q1),
  q2: erased(q2),
  q3: erased(q3),
  q4: erased(q4),
  q5: erased(q5),
  q7: erased(q7),
  q8: erased(q8),
  q11: erased(q11),
  q12: erased((events) => q12(events)),
} as const satisfies Record<string, NexmarkQuery<unknown>>;

export type NexmarkQueryName = keyof typeof NEXMARK_QUERIES;

export function isNexmarkQueryName(name: string): name is NexmarkQueryName {
  return Object.hasOwn(NEXMARK_QUERIES, name);
}

/** The query of that name; throws naming the queries there are. */
export function nexmarkQuery(name: string): NexmarkQuery<unknown> {
  if (!isNexmarkQueryName(name)) {
    throw new Error(
      `no Nexmark query ${JSON.stringify(name)}: choose one of ${Object.keys(NEXMARK_QUERIES).join(', ')}`,
    );
  }
  return NEXMARK_QUERIES[name];
}
