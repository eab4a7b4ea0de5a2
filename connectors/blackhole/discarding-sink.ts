import type { Sink, SinkInitContext, SinkWriter } from '../../api/connector/sink.js';

/**
 * A sink that drops every record (Flink's DiscardingSink): the end of a pipeline whose output
 * does not matter, e.g. a throughput benchmark. Writing costs one empty call per record.
 */
export class DiscardingSink<T> implements Sink<T> {
  createWriter(_context?: SinkInitContext): SinkWriter<T> {
    return DISCARDING_WRITER;
  }
}

/** Stateless, so all subtasks share one writer. */
const DISCARDING_WRITER: SinkWriter<unknown> = {
  write(): void {},
  flush(): void {},
  close(): void {},
};
