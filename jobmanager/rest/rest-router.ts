/**
 * Matches `METHOD /path` against routes like `/jobs/:jobid/exceptions`. Tells "no such path"
 * (404) apart from "path exists, other method" (405, with the allowed methods).
 */
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type RouteMatch<H> =
  | { readonly kind: 'found'; readonly handler: H; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] };

interface Route<H> {
  readonly method: HttpMethod;
  readonly segments: readonly string[];
  readonly handler: H;
}

/** Flink serves every path also under its API version prefix. */
const VERSION_PREFIX = /^\/v1(?=\/|$)/;

export class RestRouter<H> {
  private readonly routes: Route<H>[] = [];

  add(method: HttpMethod, pattern: string, handler: H): this {
    if (!pattern.startsWith('/')) throw new Error(`route pattern '${pattern}' must start with '/'`);
    this.routes.push({ method, segments: pattern.slice(1).split('/'), handler });
    return this;
  }

  /** `pathname` is the raw (still percent-encoded) path of the request URL. */
  match(method: string, pathname: string): RouteMatch<H> {
    const segments = decodeSegments(pathname.replace(VERSION_PREFIX, ''));
    if (segments === undefined) return { kind: 'not-found' };
    const allowed: HttpMethod[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    return allowed.length === 0 ? { kind: 'not-found' } : { kind: 'method-not-allowed', allowed };
  }
}

function decodeSegments(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  return path
    .slice(1)
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch (error) {
        throw new RestHandlerError(HttpStatus.BAD_REQUEST, `malformed percent-encoding in path '${path}'`, {
          cause: error,
        });
      }
    });
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const value = actual[i] ?? '';
    if (expected.startsWith(':')) {
      if (value === '') return undefined;
      params[expected.slice(1)] = value;
    } else if (expected !== value) {
      return undefined;
    }
  }
  return params;
}
