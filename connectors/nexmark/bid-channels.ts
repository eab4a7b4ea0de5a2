import { NexmarkRandom } from './nexmark-random.js';
import { randomText } from './nexmark-strings.js';

/**
 * The channels bids come through and their URLs, after nexmark-flink's BidGenerator: four hot
 * channels ('Google', 'Facebook', 'Baidu', 'Apple') with one URL each, and 10 000 others named
 * 'channel-<i>' whose URL carries `&channel_id=<abs(Integer.reverse(i))>` nine times in ten (for
 * query 22). URLs look like `https://www.nexmark.com/<a>/<b>/<c>/item.htm?query=1`. nexmark-flink
 * draws the URLs at class load from an unseeded random; here they come from a fixed seed, so every
 * process and every run has the same table.
 */
export interface BidChannels {
  readonly hotChannels: readonly string[];
  readonly hotUrls: readonly string[];
  /** `channels[i]` is 'channel-<i>'; its URL is `urls[i]`. */
  readonly channels: readonly string[];
  readonly urls: readonly string[];
}

export const HOT_CHANNELS: readonly string[] = ['Google', 'Facebook', 'Baidu', 'Apple'];
export const CHANNELS_NUMBER = 10_000;
const TABLE_SEED = 0x4348414e; // 'CHAN'
const UNDERSCORE = 0x5f;

let table: BidChannels | undefined;

/** The channel table, built on first use. */
export function bidChannels(): BidChannels {
  table ??= buildTable();
  return table;
}

function buildTable(): BidChannels {
  const rng = new NexmarkRandom(TABLE_SEED).reseed(0);
  const hotUrls = HOT_CHANNELS.map(() => baseUrl(rng));
  const channels: string[] = [];
  const urls: string[] = [];
  for (let i = 0; i < CHANNELS_NUMBER; i++) {
    let url = baseUrl(rng);
    if (rng.nextBelow(10) > 0) url += `&channel_id=${javaAbs(reverseBits(i))}`;
    channels.push(`channel-${i}`);
    urls.push(url);
  }
  return { hotChannels: HOT_CHANNELS, hotUrls, channels, urls };
}

function baseUrl(rng: NexmarkRandom): string {
  return `https://www.nexmark.com/${urlPart(rng)}/${urlPart(rng)}/${urlPart(rng)}/item.htm?query=1`;
}

/** nexmark's `nextString(random, 5, '_')`: 3 or 4 characters, '_' one time in 13. */
function urlPart(rng: NexmarkRandom): string {
  return randomText(rng, 3 + rng.nextBelow(2), UNDERSCORE);
}

/** Java's `Integer.reverse`: the 32 bits of `value` in reverse order, as a signed 32-bit integer. */
export function reverseBits(value: number): number {
  let v = value >>> 0;
  let reversed = 0;
  for (let bit = 0; bit < 32; bit++) {
    reversed = (reversed << 1) | (v & 1);
    v >>>= 1;
  }
  return reversed | 0;
}

/** Java's `Math.abs(int)`, which leaves Integer.MIN_VALUE negative (channel 1 gets -2147483648). */
function javaAbs(value: number): number {
  return value === -0x8000_0000 ? value : Math.abs(value);
}
