import type { NexmarkRandom } from './nexmark-random.js';
import type { ResolvedNexmarkConfig } from './nexmark-generator-config.js';
import { FIRST_PERSON_ID, type Person } from './nexmark-model.js';
import { nextExtra, nextString } from './nexmark-strings.js';

/**
 * People, after nexmark-flink's PersonGenerator. Person ids follow the event numbers: the k-th
 * person event (k from 0) registers person `1000 + k`.
 */

/** How many ids past the last registered person a random pick may reach (people "from the future"). */
const PERSON_ID_LEAD = 10;

const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];
const FIRST_NAMES = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
/** Every 'First Last' combination, built once. */
const FULL_NAMES = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`));
/** '0000' .. '9999', the groups of a credit card number. */
const FOUR_DIGITS = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

/**
 * The person registered by event `eventNumber` (a person event). `extra` pads nexmark-flink's size
 * measure `8 (id) + name + emailAddress + creditCard + city + state` (string lengths; `dateTime`
 * is not counted) to `avgPersonByteSize` on average.
 */
export function nextPerson(
  eventNumber: number,
  rng: NexmarkRandom,
  timestamp: number,
  config: ResolvedNexmarkConfig,
): Person {
  const id = lastBase0PersonId(config, eventNumber) + FIRST_PERSON_ID;
  const name = FULL_NAMES[rng.nextBelow(FULL_NAMES.length)]!;
  const emailAddress = `${nextString(rng, 7)}@${nextString(rng, 5)}.com`;
  const creditCard = `${fourDigits(rng)} ${fourDigits(rng)} ${fourDigits(rng)} ${fourDigits(rng)}`;
  const city = US_CITIES[rng.nextBelow(US_CITIES.length)]!;
  const state = US_STATES[rng.nextBelow(US_STATES.length)]!;
  const currentSize = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
  const extra = nextExtra(rng, currentSize, config.avgPersonByteSize);
  return { id, name, emailAddress, creditCard, city, state, dateTime: timestamp, extra };
}

function fourDigits(rng: NexmarkRandom): string {
  return FOUR_DIGITS[rng.nextBelow(FOUR_DIGITS.length)]!;
}

/**
 * The id (without FIRST_PERSON_ID) of the last person registered at or before event `eventNumber`:
 * the current person when the event is a person event.
 */
export function lastBase0PersonId(config: ResolvedNexmarkConfig, eventNumber: number): number {
  const epoch = Math.floor(eventNumber / config.totalProportion);
  let offset = eventNumber - epoch * config.totalProportion;
  if (offset >= config.personProportion) offset = config.personProportion - 1;
  return epoch * config.personProportion + offset;
}

/**
 * A random person id (without FIRST_PERSON_ID) among the `numActivePeople` latest people plus
 * PERSON_ID_LEAD not yet registered ones, so activity per person does not thin out over time.
 */
export function nextBase0PersonId(
  eventNumber: number,
  rng: NexmarkRandom,
  config: ResolvedNexmarkConfig,
): number {
  const numPeople = lastBase0PersonId(config, eventNumber) + 1;
  const activePeople = Math.min(numPeople, config.numActivePeople);
  return numPeople - activePeople + rng.nextBelow(activePeople + PERSON_ID_LEAD);
}
