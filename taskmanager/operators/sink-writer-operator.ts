/** Runs a Sink's writer at the end of a chain (Flink's SinkWriterOperator). */
import type { Sink, SinkInitContext, SinkWriter, SinkWriterContext } from '../../api/connector/sink.js';
import type { StreamOperator } from './stream-operator.js';

export class SinkWriterOperator implements StreamOperator, SinkWriterContext {
  private writer: SinkWriter<unknown> | undefined;
  timestamp: number | undefined = undefined;

  constructor(
    private readonly sink: Sink<unknown>,
    private readonly initContext: SinkInitContext,
  ) {}

  async open(): Promise<void> {
    this.writer = await this.sink.createWriter(this.initContext);
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    this.timestamp = timestamp;
    this.writer!.write(value, this);
  }

  currentWatermark(): number {
    return Number.MIN_SAFE_INTEGER;
  }

  async endInput(): Promise<void> {
    await this.writer?.flush(true);
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}
