import { randomBytes, createHash } from 'node:crypto';
import { UserError } from './errors/freshet-error.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** 32 lower-case hex digits, as Flink prints its IDs. */
const HEX32 = /^[0-9a-f]{32}$/;

export type JobId = Brand<string, 'JobId'>;
export type JobVertexId = Brand<string, 'JobVertexId'>;
export type OperatorId = Brand<string, 'OperatorId'>;
export type IntermediateDataSetId = Brand<string, 'IntermediateDataSetId'>;
export type ExecutionAttemptId = Brand<string, 'ExecutionAttemptId'>;
export type ResourceId = Brand<string, 'ResourceId'>;

function randomHex32(): string {
  return randomBytes(16).toString('hex');
}

/** Deterministic 32-hex digest of the given parts (used for operator and vertex IDs). */
export function hashHex32(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex').slice(0, 32);
}

function parseHex32<T>(kind: string, text: string): T {
  if (!HEX32.test(text)) {
    throw new UserError('INVALID_ID', `'${text}' is not a valid ${kind}: expected 32 hexadecimal digits`);
  }
  return text as T;
}

export const JobId = {
  generate: (): JobId => randomHex32() as JobId,
  parse: (text: string): JobId => parseHex32<JobId>('job ID', text.toLowerCase()),
};
export const JobVertexId = {
  of: (hex: string): JobVertexId => parseHex32<JobVertexId>('job vertex ID', hex),
};
export const OperatorId = {
  of: (hex: string): OperatorId => parseHex32<OperatorId>('operator ID', hex),
  fromUid: (uid: string): OperatorId => hashHex32('uid', uid) as OperatorId,
};
export const IntermediateDataSetId = {
  of: (hex: string): IntermediateDataSetId =>
    parseHex32<IntermediateDataSetId>('intermediate data set ID', hex),
};
export const ExecutionAttemptId = {
  generate: (): ExecutionAttemptId => randomHex32() as ExecutionAttemptId,
};
export const ResourceId = {
  generate: (prefix: string): ResourceId => `${prefix}-${randomHex32().slice(0, 8)}` as ResourceId,
  of: (text: string): ResourceId => text as ResourceId,
};
