import type { Sink, SinkInitContext, SinkWriter } from './sink.js';

const BATCH = 1024;

/** Sends every record to the client that submitted the job, in batches (executeAndCollect). */
export class CollectSink<T> implements Sink<T> {
  createWriter(context: SinkInitContext): SinkWriter<T> {
    let batch: T[] = [];
    return {
      write(element) {
        batch.push(element);
        if (batch.length >= BATCH) {
          context.sendToClient(batch);
          batch = [];
        }
      },
      flush() {
        if (batch.length > 0) {
          context.sendToClient(batch);
          batch = [];
        }
      },
      close() {},
    };
  }
}
