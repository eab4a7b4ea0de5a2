/**
 * The ID of an asynchronous REST operation (Flink's TriggerId): 32 lower-case hex digits, handed
 * out by `POST /jobs/:jobid/savepoints` and asked about with `GET …/savepoints/:triggerid`.
 */
import { randomBytes } from 'node:crypto';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

declare const brand: unique symbol;
export type TriggerId = string & { readonly [brand]: 'TriggerId' };

export const TriggerId = {
  generate: (): TriggerId => randomBytes(16).toString('hex') as TriggerId,
  /** Throws a 400 naming the bad value. */
  parse: (text: string): TriggerId => {
    const id = text.toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(id)) {
      throw new RestHandlerError(
        HttpStatus.BAD_REQUEST,
        `'${text}' is not a valid trigger ID: expected 32 hexadecimal digits`,
      );
    }
    return id as TriggerId;
  },
};
