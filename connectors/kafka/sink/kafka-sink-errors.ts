/**
 * The KafkaSink's failures, each with a message that names what failed (topic, brokers,
 * transactional id) and what to do. kafkajs errors are classified by their protocol error `type`
 * and connection errors anywhere in the cause chain.
 */
import { ErrorDomain, FreshetError, UserError } from '../../../common/errors/freshet-error.js';

export const KafkaSinkErrorCode = {
  serializationFailed: 'KAFKA_SINK_SERIALIZATION_FAILED',
  sendFailed: 'KAFKA_SINK_SEND_FAILED',
  topicNotFound: 'KAFKA_TOPIC_NOT_FOUND',
  brokerUnreachable: 'KAFKA_BROKER_UNREACHABLE',
  commitFailed: 'KAFKA_SINK_COMMIT_FAILED',
  recoveryFailed: 'KAFKA_SINK_RECOVERY_FAILED',
  invalidTransactionTimeout: 'KAFKA_INVALID_TRANSACTION_TIMEOUT',
  producerFenced: 'KAFKA_PRODUCER_FENCED',
} as const;
export type KafkaSinkErrorCode = (typeof KafkaSinkErrorCode)[keyof typeof KafkaSinkErrorCode];

interface ErrorLike {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

/** The errors of `error`'s cause chain, itself first (kafkajs nests them in cause/originalError). */
function chain(error: unknown): ErrorLike[] {
  const errors: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && errors.length < 10) {
    const e = current as ErrorLike;
    if (errors.includes(e)) break;
    errors.push(e);
    current = e.cause ?? e.originalError;
  }
  return errors;
}

/** The Kafka protocol error type (`UNKNOWN_TOPIC_OR_PARTITION`, ...) in `error`'s chain, if any. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (const e of chain(error)) if (typeof e.type === 'string') return e.type;
  return undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Whether `error` comes from not reaching a broker (refused, reset, timed out, unknown host). */
export function isConnectionError(error: unknown): boolean {
  return chain(error).some(
    (e) =>
      e.name === 'KafkaJSConnectionError' ||
      e.name === 'KafkaJSRequestTimeoutError' ||
      e.name === 'KafkaJSBrokerNotFound' ||
      (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)),
  );
}

function messageOf(error: unknown): string {
  const messages = chain(error)
    .map((e) => (typeof e.message === 'string' ? e.message : undefined))
    .filter((m): m is string => m !== undefined && m !== '');
  return [...new Set(messages)].join(': ') || String(error);
}

/** An element the record serialization schema could not serialize (fails the task). */
export function serializationError(element: unknown, cause: unknown): UserError {
  return new UserError(
    KafkaSinkErrorCode.serializationFailed,
    `KafkaSink could not serialize the element ${preview(element)}: ${messageOf(cause)}`,
    { cause },
  );
}

/** The brokers could not be reached (at start or mid-run), after the client's retries. */
export function brokerUnreachableError(
  servers: readonly string[],
  action: string,
  cause: unknown,
): FreshetError {
  return new FreshetError(
    KafkaSinkErrorCode.brokerUnreachable,
    `KafkaSink cannot reach the Kafka brokers ${servers.join(',')} to ${action} (after retries): ` +
      `${messageOf(cause)}; check bootstrap.servers and that the brokers are up`,
    { domain: ErrorDomain.external, retryable: true, cause },
  );
}

/** What a failed send (or transaction step) of records to `topics` means, as a FreshetError. */
export function sendError(
  cause: unknown,
  topics: readonly string[],
  servers: readonly string[],
  transactionalId?: string,
): FreshetError {
  if (cause instanceof FreshetError) return cause;
  const type = kafkaErrorType(cause);
  const named = topics.map((t) => `'${t}'`).join(', ');
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || /without metadata/.test(messageOf(cause))) {
    return new UserError(
      KafkaSinkErrorCode.topicNotFound,
      `KafkaSink cannot write to ${topics.length === 1 ? 'topic' : 'topics'} ${named}: ` +
        `not found on ${servers.join(',')}; create ${topics.length === 1 ? 'it' : 'them'} ` +
        '(or let the broker create topics with auto.create.topics.enable=true)',
      { retryable: true, cause },
    );
  }
  if (type === 'INVALID_TRANSACTION_TIMEOUT') {
    return new UserError(
      KafkaSinkErrorCode.invalidTransactionTimeout,
      "KafkaSink's transaction.timeout.ms is larger than the broker's transaction.max.timeout.ms; " +
        "lower it with setProperty('transaction.timeout.ms', ...) or raise the broker's limit",
      { cause },
    );
  }
  if (type === 'PRODUCER_FENCED' || type === 'INVALID_PRODUCER_EPOCH') {
    return new FreshetError(
      KafkaSinkErrorCode.producerFenced,
      `KafkaSink transactional producer '${transactionalId ?? '?'}' was fenced by a newer one with the same id ` +
        '(is another job or sink using the same transactionalIdPrefix?)',
      { domain: ErrorDomain.external, retryable: true, cause },
    );
  }
  if (isConnectionError(cause)) return brokerUnreachableError(servers, `send records to ${named}`, cause);
  return new FreshetError(
    KafkaSinkErrorCode.sendFailed,
    `KafkaSink failed to send records to ${named} on ${servers.join(',')}: ${messageOf(cause)}`,
    { domain: ErrorDomain.external, retryable: true, cause },
  );
}

/** Aborting the lingering transactions of earlier attempts failed (at writer start). */
export function recoveryError(servers: readonly string[], cause: unknown): FreshetError {
  if (cause instanceof FreshetError) return cause;
  if (kafkaErrorType(cause) === 'INVALID_TRANSACTION_TIMEOUT') return sendError(cause, [], servers);
  if (isConnectionError(cause)) return brokerUnreachableError(servers, 'abort lingering transactions', cause);
  return new FreshetError(
    KafkaSinkErrorCode.recoveryFailed,
    `KafkaSink failed to abort the lingering transactions of earlier attempts on ${servers.join(',')}: ` +
      messageOf(cause),
    { domain: ErrorDomain.external, retryable: true, cause },
  );
}

/** A transaction of a checkpoint that can no longer be committed (its records are lost). */
export function transactionLostError(
  transactionalId: string,
  producerId: string,
  epoch: number,
  type: string,
  cause: unknown,
): FreshetError {
  return new FreshetError(
    KafkaSinkErrorCode.commitFailed,
    `KafkaSink cannot commit transaction '${transactionalId}' (producer id ${producerId}, epoch ${epoch}) ` +
      'of a completed checkpoint: it was aborted: it stayed open longer than transaction.timeout.ms, or a ' +
      `producer with the same id fenced it (${type}). Its records are lost; raise transaction.timeout.ms ` +
      "(up to the broker's transaction.max.timeout.ms) so transactions outlive restarts",
    { domain: ErrorDomain.external, retryable: false, cause },
  );
}

/** Committing failed for a reason a retry may fix (broker down, coordinator moving). */
export function commitError(
  transactionalId: string,
  servers: readonly string[],
  cause: unknown,
): FreshetError {
  return new FreshetError(
    KafkaSinkErrorCode.commitFailed,
    `KafkaSink failed to commit transaction '${transactionalId}' on ${servers.join(',')}: ${messageOf(cause)}`,
    { domain: ErrorDomain.external, retryable: true, cause },
  );
}

function preview(element: unknown): string {
  let text: string;
  try {
    text =
      typeof element === 'string' ? JSON.stringify(element) : (JSON.stringify(element) ?? String(element));
  } catch {
    text = String(element);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
