import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import {
  CheckpointingOptions,
  JobManagerOptions,
  RestartStrategyOptions,
} from '../../common/config/config-options.js';
import { schedulerConfiguration } from './job-scheduler-configuration.js';
import { testingJobInformation } from './testing-job-information.js';

function graph(program: (env: StreamExecutionEnvironment) => void = () => {}) {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  program(env);
  env.fromSequence(1, 2).print();
  return env.getPipeline().jobGraph;
}

describe('schedulerConfiguration', () => {
  it("reads the job's keys; the program's env.configure keys win", () => {
    const conf = schedulerConfiguration(
      testingJobInformation({ 'restart-strategy.type': 'none', 'slot.request.timeout': '1 min' }),
      graph((env) => env.configure({ 'restart-strategy.type': 'fixed-delay' })),
    );
    expect(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).toBe('fixed-delay');
    expect(conf.get(JobManagerOptions.SLOT_REQUEST_TIMEOUT)).toBe(60_000);
  });

  it('counts checkpointing enabled in the program as enabled', () => {
    const conf = schedulerConfiguration(
      testingJobInformation({}),
      graph((env) => env.enableCheckpointing(5_000)),
    );
    expect(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).toBe(5_000);
  });

  it('leaves keys other components own unparsed, so their bad values are not its concern', () => {
    const conf = schedulerConfiguration(
      testingJobInformation({ 'execution.buffer-timeout': 'soon' }),
      graph(),
    );
    expect(conf.keys()).toEqual([]);
  });

  it('rejects a bad value of its own keys naming key and source', () => {
    expect(() =>
      schedulerConfiguration(testingJobInformation({ 'slot.request.timeout': 'never' }), graph()),
    ).toThrow(/invalid value 'never' for 'slot.request.timeout' \(from job configuration\)/);
  });
});
