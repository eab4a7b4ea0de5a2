/** One real Kafka broker for a test file's suite: started before its tests, stopped after them. */
import { afterAll, beforeAll } from 'vitest';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';

export function useKafkaBroker(): { readonly broker: KafkaBroker } {
  const holder = {} as { broker: KafkaBroker };
  beforeAll(async () => {
    holder.broker = await startKafkaBroker();
  }, 300_000);
  afterAll(async () => {
    await (holder.broker as KafkaBroker | undefined)?.stop();
  }, 60_000);
  return holder;
}
