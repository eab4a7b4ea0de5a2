/**
 * What a sink promises about its output after failures (Flink's DeliveryGuarantee):
 * - NONE: records may be lost or duplicated (nothing is flushed at checkpoints).
 * - AT_LEAST_ONCE: every record written before a checkpoint is acknowledged by Kafka before the
 *   checkpoint completes; after a restore, records since the checkpoint are written again.
 * - EXACTLY_ONCE: records are written in Kafka transactions committed when checkpoints complete;
 *   `read_committed` consumers see each record once.
 */
export const DeliveryGuarantee = {
  NONE: 'none',
  AT_LEAST_ONCE: 'at-least-once',
  EXACTLY_ONCE: 'exactly-once',
} as const;
export type DeliveryGuarantee = (typeof DeliveryGuarantee)[keyof typeof DeliveryGuarantee];
