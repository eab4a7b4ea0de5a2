/**
 * The events between a source operator's coordinator on the JobManager (its split enumerator) and
 * the source readers of its subtasks (Flink's OperatorEvents of FLIP-27: ReaderRegistrationEvent,
 * RequestSplitEvent, AddSplitEvent, NoMoreSplitsEvent, SourceEventWrapper). Plain data; splits
 * and source events are the connector's own values and travel packed like records. Per subtask
 * they are delivered in the order they were sent, in both directions.
 */
import { assertNever } from '../errors/freshet-error.js';
import { int, list, malformedRpcMessage, record, str, type Fields } from './rpc-message-validation.js';

/** Reader → coordinator: the reader of a (new) attempt exists and may get splits. */
export interface ReaderRegistrationEvent {
  readonly type: 'reader-registration';
  readonly subtaskId: number;
  /** The TaskManager and slot the reader runs in. */
  readonly location?: string;
}
/** Reader → coordinator: `SourceReaderContext.sendSplitRequest()`. */
export interface RequestSplitEvent {
  readonly type: 'request-split';
  readonly subtaskId: number;
  readonly hostname?: string;
}
/** Either direction: a connector's own event (`sendSourceEventToCoordinator` / `sendEventToSourceReader`). */
export interface SourceEventWrapper {
  readonly type: 'source-event';
  readonly event: unknown;
}
/** Coordinator → reader: splits assigned to it. */
export interface AddSplitEvent {
  readonly type: 'add-splits';
  readonly splits: readonly unknown[];
}
/** Coordinator → reader: no further splits will come. */
export interface NoMoreSplitsEvent {
  readonly type: 'no-more-splits';
}

/** What a source reader sends its coordinator. */
export type SourceReaderEvent = ReaderRegistrationEvent | RequestSplitEvent | SourceEventWrapper;
/** What a source coordinator sends one of its readers. */
export type SourceCoordinatorEvent = AddSplitEvent | NoMoreSplitsEvent | SourceEventWrapper;

function optionalString(o: Fields, key: string, at: string): { readonly [k: string]: string } {
  return o[key] === undefined || o[key] === null ? {} : { [key]: str(o, key, at) };
}

/** Checks an unpacked reader event; a malformed one is a MALFORMED_RPC_MESSAGE FreshetError. */
export function readSourceReaderEvent(value: unknown, at: string): SourceReaderEvent {
  const o = record(value, at);
  const type = o['type'] as SourceReaderEvent['type'];
  switch (type) {
    case 'reader-registration':
      return { type, subtaskId: int(o, 'subtaskId', at), ...optionalString(o, 'location', at) };
    case 'request-split':
      return { type, subtaskId: int(o, 'subtaskId', at), ...optionalString(o, 'hostname', at) };
    case 'source-event':
      return { type, event: o['event'] };
    default:
      throw malformedRpcMessage(`${at}.type ${JSON.stringify(type)} is not a source reader event`);
  }
}

/** Checks an unpacked coordinator event; a malformed one is a MALFORMED_RPC_MESSAGE FreshetError. */
export function readSourceCoordinatorEvent(value: unknown, at: string): SourceCoordinatorEvent {
  const o = record(value, at);
  const type = o['type'] as SourceCoordinatorEvent['type'];
  switch (type) {
    case 'add-splits':
      return { type, splits: list(o, 'splits', at) };
    case 'no-more-splits':
      return { type };
    case 'source-event':
      return { type, event: o['event'] };
    default:
      throw malformedRpcMessage(`${at}.type ${JSON.stringify(type)} is not a source coordinator event`);
  }
}

/** A short description for logs and errors (never the connector's values). */
export function describeOperatorEvent(event: SourceReaderEvent | SourceCoordinatorEvent): string {
  switch (event.type) {
    case 'reader-registration':
    case 'request-split':
      return `${event.type} of subtask ${event.subtaskId}`;
    case 'add-splits':
      return `add-splits (${event.splits.length})`;
    case 'no-more-splits':
    case 'source-event':
      return event.type;
    default:
      return assertNever(event, 'operator event');
  }
}
