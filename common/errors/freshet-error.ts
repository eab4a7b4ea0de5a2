/**
 * The one base error of the project. Every error that crosses a room or a process boundary is a
 * FreshetError (or is wrapped into one) so that it keeps a stable `code`, says whose fault it is
 * (`domain`) and whether trying again can help (`retryable`).
 */
export const ErrorDomain = {
  /** The job author's or operator's input is wrong (bad config, a user function threw, ...). */
  user: 'user',
  /** Something outside the process failed (disk, network, S3). */
  external: 'external',
  /** A bug in Freshet itself. */
  internal: 'internal',
} as const;
export type ErrorDomain = (typeof ErrorDomain)[keyof typeof ErrorDomain];

export interface FreshetErrorOptions {
  readonly domain?: ErrorDomain;
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

export class FreshetError extends Error {
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: FreshetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FreshetError';
    this.code = code;
    this.domain = options.domain ?? ErrorDomain.internal;
    this.retryable = options.retryable ?? false;
  }
}

/** A user-facing error: bad input from the person running Freshet or writing the job. */
export class UserError extends FreshetError {
  constructor(code: string, message: string, options: Omit<FreshetErrorOptions, 'domain'> = {}) {
    super(code, message, { ...options, domain: ErrorDomain.user });
    this.name = 'UserError';
  }
}

/** Configuration values that are missing, malformed or out of range. */
export class IllegalConfigurationError extends UserError {
  constructor(message: string, options: Omit<FreshetErrorOptions, 'domain'> = {}) {
    super('ILLEGAL_CONFIGURATION', message, options);
    this.name = 'IllegalConfigurationError';
  }
}

/** Wraps anything thrown (strings included) into an Error without losing it. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new FreshetError('NON_ERROR_THROWN', `a non-Error value was thrown: ${describe(thrown)}`, {
    domain: ErrorDomain.user,
    cause: thrown,
  });
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new FreshetError('UNREACHABLE', `unexpected ${what}: ${JSON.stringify(value)}`);
}
