import { ErrorDomain, FreshetError, toError } from '../../common/errors/freshet-error.js';

const attributed = new WeakSet<object>();

/**
 * Wraps an error thrown by user code so its message names the operator (once, even when the
 * error passes through several chained operators on its way up).
 */
export function attributeToOperator(thrown: unknown, operatorName: string): Error {
  const error = toError(thrown);
  if (attributed.has(error)) return error;
  const wrapped = new FreshetError(
    'USER_FUNCTION_FAILED',
    `operator '${operatorName}' failed: ${error.message}`,
    {
      domain: ErrorDomain.user,
      cause: error,
    },
  );
  wrapped.name = 'UserFunctionError';
  attributed.add(wrapped);
  return wrapped;
}
