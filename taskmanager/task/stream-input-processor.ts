/**
 * Feeds what the input gate delivers into the head operator (Flink's StreamOneInputProcessor and
 * StreamTwoInputProcessor): decodes record buffers (batches from the same thread need none), and
 * passes watermarks and watermark status through one StatusWatermarkValve per logical input, so
 * the operator sees the minimum over that input's channels. A two-input head gets records and
 * watermarks per input.
 */
import { bufferByteSize, bufferRecords } from '../../common/protocol/record-batch-codec.js';
import type { InputChannel } from '../network/consumer/input-channel.js';
import type { PolledEntry } from '../network/consumer/input-gate.js';
import { isTwoInputOperator } from '../operators/co/abstract-two-input-operator.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import {
  StatusWatermarkValve,
  type StatusWatermarkValveOutput,
} from '../operators/watermark/status-watermark-valve.js';

type RecordSink = (value: unknown, timestamp: number | undefined) => void;

interface LogicalInput {
  readonly valve: StatusWatermarkValve;
  readonly output: StatusWatermarkValveOutput;
  readonly processRecord: RecordSink;
}

export class StreamInputProcessor {
  /** Per channel: its logical input and its index among that input's channels. */
  private readonly routes = new Map<InputChannel, { input: LogicalInput; channel: number }>();
  /** Records and buffer bytes read from the network (Flink's numRecordsIn / numBytesIn). */
  recordsIn = 0;
  bytesIn = 0;

  /** Keyed heads on RocksDB: loads the state a buffer's records need before they run. */
  private readonly prefetch: StreamOperator['prefetchState'];

  constructor(
    channels: readonly InputChannel[],
    inputIndexOfGate: (gateIndex: number) => number,
    head: StreamOperator,
  ) {
    const twoInput = isTwoInputOperator(head);
    this.prefetch = twoInput ? undefined : head.prefetchState?.bind(head);
    const channelsPerInput = new Map<number, InputChannel[]>();
    for (const channel of channels) {
      const input = twoInput ? inputIndexOfGate(channel.gateIndex) : 0;
      channelsPerInput.set(input, [...(channelsPerInput.get(input) ?? []), channel]);
    }
    for (const [inputIndex, inputChannels] of channelsPerInput) {
      const input: LogicalInput = {
        valve: new StatusWatermarkValve(inputChannels.length),
        output: {
          emitWatermark: (timestamp) => {
            if (!twoInput) head.processWatermark(timestamp);
            else if (inputIndex === 0) head.processWatermark1(timestamp);
            else head.processWatermark2(timestamp);
          },
          emitWatermarkStatus: (status) => {
            // Two-input operators follow their inputs' watermarks only; status is forwarded for one input.
            if (!twoInput) head.processWatermarkStatus(status);
          },
        },
        processRecord: !twoInput
          ? (value, timestamp) => head.processElement(value, timestamp)
          : inputIndex === 0
            ? (value, timestamp) => head.processElement1(value, timestamp)
            : (value, timestamp) => head.processElement2(value, timestamp),
      };
      inputChannels.forEach((channel, index) => this.routes.set(channel, { input, channel: index }));
    }
  }

  /** Processes one polled buffer or event; returns true when it was a record buffer. */
  process(polled: PolledEntry): boolean {
    const route = this.routes.get(polled.channel)!;
    const entry = polled.entry;
    if (entry.kind === 'buffer') {
      const { values, timestamps } = bufferRecords(entry.data);
      this.recordsIn += values.length;
      this.bytesIn += bufferByteSize(entry.data);
      this.prefetch?.(values, timestamps);
      const processRecord = route.input.processRecord;
      if (timestamps === null) {
        for (let i = 0; i < values.length; i++) processRecord(values[i], undefined);
      } else {
        for (let i = 0; i < values.length; i++) processRecord(values[i], timestamps[i]);
      }
      return true;
    }
    const event = entry.event;
    if (event.type === 'watermark')
      route.input.valve.inputWatermark(event.timestamp, route.channel, route.input.output);
    else if (event.type === 'watermark-status') {
      route.input.valve.inputWatermarkStatus(event.status, route.channel, route.input.output);
    }
    return false;
  }
}
