import type { SinkInitContext, SinkWriterContext } from '../../api/connector/sink.js';

/** A SinkInitContext that records stdout writes and client payloads, with a manual clock. */
export class TestingSinkInitContext implements SinkInitContext {
  readonly jobId: string;
  readonly indexOfSubtask: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  readonly operatorUidOrId: string;
  readonly configuration: Readonly<Record<string, string>>;
  readonly checkpointingEnabled: boolean;
  /** Every `writeStdout` call's text, in order. */
  readonly stdoutWrites: string[] = [];
  readonly sentToClient: unknown[] = [];
  nowMillis: number;

  constructor(
    options: {
      jobId?: string;
      indexOfSubtask?: number;
      parallelism?: number;
      attemptNumber?: number;
      operatorUidOrId?: string;
      nowMillis?: number;
      configuration?: Record<string, string>;
      checkpointingEnabled?: boolean;
    } = {},
  ) {
    this.jobId = options.jobId ?? '00000000000000000000000000000000';
    this.indexOfSubtask = options.indexOfSubtask ?? 0;
    this.parallelism = options.parallelism ?? 1;
    this.attemptNumber = options.attemptNumber ?? 0;
    this.operatorUidOrId = options.operatorUidOrId ?? 'sink';
    this.nowMillis = options.nowMillis ?? 0;
    this.configuration = options.configuration ?? {};
    this.checkpointingEnabled = options.checkpointingEnabled ?? false;
  }

  writeStdout(text: string): void {
    this.stdoutWrites.push(text);
  }

  sendToClient(payload: unknown): void {
    this.sentToClient.push(payload);
  }

  currentTimeMillis(): number {
    return this.nowMillis;
  }

  /** All stdout text joined. */
  stdout(): string {
    return this.stdoutWrites.join('');
  }
}

/** A SinkWriterContext for records without timestamps. */
export class TestingSinkWriterContext implements SinkWriterContext {
  timestamp: number | undefined = undefined;
  watermark = Number.MIN_SAFE_INTEGER;

  currentWatermark(): number {
    return this.watermark;
  }
}
