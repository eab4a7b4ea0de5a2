/**
 * Whether a stream (or one input channel of it) currently takes part in watermark progress
 * (Flink's `WatermarkStatus`). An IDLE input is left out when a task computes the minimum
 * watermark over its inputs, so a source split without data does not hold event time back.
 */
export const WatermarkStatus = {
  IDLE: 'IDLE',
  ACTIVE: 'ACTIVE',
} as const;
export type WatermarkStatus = (typeof WatermarkStatus)[keyof typeof WatermarkStatus];
