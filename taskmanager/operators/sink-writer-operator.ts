/** Runs a Sink's writer at the end of a chain (Flink's SinkWriterOperator). */
import type { Sink, SinkInitContext, SinkWriter, SinkWriterContext } from '../../api/connector/sink.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { OperatorContext } from './stream-operator.js';

export class SinkWriterOperator extends AbstractStreamOperator implements SinkWriterContext {
  private writer: SinkWriter<unknown> | undefined;
  timestamp: number | undefined = undefined;

  constructor(
    ctx: OperatorContext,
    private readonly sink: Sink<unknown>,
    private readonly initContext: SinkInitContext,
  ) {
    super(ctx);
  }

  override async open(): Promise<void> {
    this.writer = await this.sink.createWriter(this.initContext);
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    this.timestamp = timestamp;
    try {
      this.writer!.write(value, this);
    } catch (error) {
      throw this.fail(error);
    }
  }

  override processWatermark(timestamp: number): void {
    this.inputWatermark = timestamp;
  }

  override processWatermarkStatus(): void {}

  currentWatermark(): number {
    return this.inputWatermark;
  }

  override async endInput(): Promise<void> {
    await this.writer?.flush(true);
  }

  override async close(): Promise<void> {
    await this.writer?.close();
  }
}
