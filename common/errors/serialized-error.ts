import { ErrorDomain, FreshetError, UserError, IllegalConfigurationError } from './freshet-error.js';

/** The plain-data form of an error, safe to send between threads and processes. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  readonly stack?: string;
  readonly cause?: SerializedError;
}

export function serializeError(thrown: unknown, depth = 0): SerializedError {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const base = {
    name: error.name,
    message: error.message,
    code: error instanceof FreshetError ? error.code : 'ERROR',
    domain: error instanceof FreshetError ? error.domain : ErrorDomain.user,
    retryable: error instanceof FreshetError ? error.retryable : false,
  };
  const withStack = error.stack === undefined ? base : { ...base, stack: error.stack };
  if (error.cause !== undefined && depth < 8) {
    return { ...withStack, cause: serializeError(error.cause, depth + 1) };
  }
  return withStack;
}

/** Rebuilds an error from its serialized form as the same class where the class is known here. */
export function deserializeError(serialized: SerializedError): Error {
  const options = {
    retryable: serialized.retryable,
    ...(serialized.cause === undefined ? {} : { cause: deserializeError(serialized.cause) }),
  };
  let error: Error;
  if (serialized.name === 'IllegalConfigurationError') {
    error = new IllegalConfigurationError(serialized.message, options);
  } else if (serialized.name === 'UserError') {
    error = new UserError(serialized.code, serialized.message, options);
  } else if (serialized.code !== 'ERROR' || serialized.name === 'FreshetError') {
    error = new FreshetError(serialized.code, serialized.message, { ...options, domain: serialized.domain });
    error.name = serialized.name;
  } else {
    error = new Error(serialized.message, options.cause === undefined ? undefined : { cause: options.cause });
    error.name = serialized.name;
  }
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
