import { describe, expect, it } from 'vitest';
import { FreshetError, IllegalConfigurationError, UserError } from '../../common/errors/freshet-error.js';
import { RestHandlerError, toErrorResponse } from './rest-handler-error.js';

describe('toErrorResponse', () => {
  it.each([
    [new UserError('UNKNOWN_JOB', 'job x not found'), 404],
    [new FreshetError('UNKNOWN_JAR', 'jar y not found'), 404],
    [new UserError('DUPLICATE_JOB', 'dup'), 409],
    [new FreshetError('MALFORMED_BUNDLE', 'not a bundle'), 400],
    [new UserError('SAVEPOINT_MISMATCH', 'state for uid sessions'), 400],
    [new IllegalConfigurationError('bad value'), 400],
    [new RestHandlerError(413, 'too big', { closeConnection: true }), 413],
    [new FreshetError('TASK_FAILED', 'boom'), 500],
    [new Error('bug'), 500],
  ])('maps %s to %i', (error, status) => {
    expect(toErrorResponse(error).status).toBe(status);
  });

  it('never exposes a stack and flags 5xx as unexpected', () => {
    const response = toErrorResponse(new RangeError('index out of range'));
    expect(response).toMatchObject({
      message: 'internal server error: index out of range',
      unexpected: true,
    });
    expect(response.message).not.toContain('\n');
    expect(toErrorResponse(new UserError('X', 'bad')).unexpected).toBe(false);
  });
});
