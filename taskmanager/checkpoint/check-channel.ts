/** Validation shared by the barrier handlers: events only come from channels that are still open. */
import { FreshetError } from '../../common/errors/freshet-error.js';

export function checkNumberOfChannels(numberOfChannels: number): void {
  if (!Number.isInteger(numberOfChannels) || numberOfChannels < 1) {
    throw new FreshetError(
      'INVALID_ARGUMENT',
      `a checkpoint barrier handler needs at least one input channel, got ${numberOfChannels}`,
    );
  }
}

export function openChannelSet(numberOfChannels: number): Set<number> {
  checkNumberOfChannels(numberOfChannels);
  return new Set(Array.from({ length: numberOfChannels }, (_, i) => i));
}

/** Throws unless the channel exists and has not ended (the input gate never polls past its end). */
export function checkOpenChannel(
  openChannels: ReadonlySet<number>,
  numberOfChannels: number,
  channelIndex: number,
  what: string,
): void {
  if (openChannels.has(channelIndex)) return;
  const problem =
    Number.isInteger(channelIndex) && channelIndex >= 0 && channelIndex < numberOfChannels
      ? 'which already delivered its end of partition'
      : `which does not exist (the task has ${numberOfChannels} input channels)`;
  throw new FreshetError(
    'INVALID_CHANNEL_EVENT',
    `${what} arrived on input channel ${channelIndex}, ${problem}`,
  );
}
