/**
 * `rest.auth.token`: when set, every mutating request (POST, PATCH, DELETE) must carry
 * `Authorization: Bearer <token>`; reads stay open, as the issue asks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isMutating(method: string): boolean {
  return MUTATING_METHODS.has(method);
}

/** Throws 401 unless `authorization` is `Bearer <token>` (scheme case-insensitive). */
export function checkBearerToken(authorization: string | undefined, token: string): void {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const presented = match?.[1];
  if (presented === undefined || !sameSecret(presented, token)) {
    throw new RestHandlerError(
      HttpStatus.UNAUTHORIZED,
      authorization === undefined
        ? "this request needs 'Authorization: Bearer <token>' (rest.auth.token is set)"
        : 'the bearer token does not match rest.auth.token',
      { headers: { 'www-authenticate': 'Bearer realm="freshet"' } },
    );
  }
}

/** Constant-time comparison that also hides the token's length. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
