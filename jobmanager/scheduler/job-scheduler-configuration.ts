/**
 * The part of a job's configuration the scheduler reads: restart strategy, `slot.request.timeout`
 * and whether checkpointing is on. Keys come from the submitted JobInformation, overlaid by the
 * program's own `env.configure(...)` keys and checkpoint interval from the JobGraph (the program
 * wins, as in Flink). Only these keys are parsed here, so a bad value for one of them fails with
 * the config layer's message while keys other components own are left to them.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import type { ConfigOption } from '../../common/config/config-option.js';
import {
  CheckpointingOptions,
  JobManagerOptions,
  RestartStrategyOptions,
} from '../../common/config/config-options.js';
import { Configuration } from '../../common/config/configuration.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';

const SCHEDULER_OPTIONS: readonly ConfigOption<unknown>[] = [
  ...Object.values(RestartStrategyOptions),
  JobManagerOptions.SLOT_REQUEST_TIMEOUT,
  CheckpointingOptions.CHECKPOINTING_INTERVAL,
];

const SCHEDULER_KEYS: ReadonlySet<string> = new Set(
  SCHEDULER_OPTIONS.flatMap((option) => [option.key, ...option.fallbackKeys]),
);

export const JOB_CONFIGURATION_SOURCE = 'job configuration';

/** Throws an IllegalConfigurationError (naming key, value and expected form) for a bad value. */
export function schedulerConfiguration(job: JobInformation, jobGraph: JobGraph): Configuration {
  return overlayJobConfiguration(new Configuration(), job, jobGraph, (key) => SCHEDULER_KEYS.has(key.trim()));
}

/**
 * Sets the job's keys on `configuration`: the submitted ones, then the program's (which win), then
 * the program's checkpoint interval unless a key set it; `accept` picks the keys to take.
 */
export function overlayJobConfiguration(
  configuration: Configuration,
  job: JobInformation,
  jobGraph: JobGraph,
  accept: (key: string) => boolean = () => true,
): Configuration {
  for (const layer of [job.configuration, jobGraph.config.configuration]) {
    for (const [key, value] of Object.entries(layer)) {
      if (accept(key)) configuration.setRaw(key, value, JOB_CONFIGURATION_SOURCE);
    }
  }
  const interval = jobGraph.config.checkpointIntervalMs;
  if (interval !== undefined && !configuration.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL.key)) {
    configuration.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval, 'the program');
  }
  return configuration;
}
