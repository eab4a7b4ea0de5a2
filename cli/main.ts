#!/usr/bin/env node
/**
 * The `freshet` command (mirrors `flink`): run, info, bundle, list, cancel, savepoint, stop, and the
 * cluster processes jobmanager, standalone-job, taskmanager, cluster.
 */
import { Command, CommanderError } from 'commander';
import { bundleCommand } from './commands/bundle-command.js';
import { cancelCommand } from './commands/cancel-command.js';
import { clusterCommand } from './commands/cluster-command.js';
import { jobManagerCommand, taskManagerCommand } from './commands/cluster-process-commands.js';
import { collectDefine } from './commands/common-options.js';
import { infoCommand } from './commands/info-command.js';
import { listCommand } from './commands/list-command.js';
import { runCommand } from './commands/run-command.js';
import { savepointCommand } from './commands/savepoint-command.js';
import { standaloneJobCommand } from './commands/standalone-job-command.js';
import { stopCommand } from './commands/stop-command.js';
import { FRESHET_VERSION } from './version.js';
import { EXIT_OK, EXIT_USAGE, describeFailure, exitCodeFor } from './cli-output.js';

const program = new Command('freshet')
  .description('Freshet: a true-streaming dataflow runtime with event time, after Apache Flink')
  .version(FRESHET_VERSION)
  .exitOverride()
  .showSuggestionAfterError()
  .configureOutput({ outputError: (text, write) => write(`${oneLineError(text)}\n`) });

program
  .command('run')
  .description('Runs a job (a .ts/.js job file or a bundle); with no -m, on a local mini-cluster')
  .argument('<job>', 'job file (default-exports async main(args)) or job bundle')
  .argument('[args...]', 'program arguments (after --)')
  .option('-p, --parallelism <n>', 'default parallelism of the job')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .option('-m, --jobmanager <host:port>', 'JobManager to submit to (default: a local mini-cluster)')
  .option('-d, --detached', 'do not wait for the job to finish')
  .option('-s, --fromSavepoint <path>', 'restore from a savepoint (needs -m)')
  .option('-n, --allowNonRestoredState', 'with -s: skip savepoint state that maps to no operator')
  .action(runCommand);

program
  .command('info')
  .description('Prints the execution plan of a job as JSON')
  .argument('<job>', 'job file or bundle')
  .argument('[args...]', 'program arguments (after --)')
  .option('-p, --parallelism <n>', 'default parallelism of the job')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(infoCommand);

program
  .command('bundle')
  .description('Bundles a job file into a self-contained job bundle')
  .argument('<job>', 'job file')
  .option('-o, --output <file>', 'where to write the bundle (default: <job>.bundle.js)')
  .action(bundleCommand);

program
  .command('list')
  .description('Lists the jobs of a JobManager: running and scheduled ones, with -a also terminated ones')
  .option('-m, --jobmanager <host:port>', 'address of the JobManager (default: rest.address:rest.port)')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .option('-r, --running', 'show only running and restarting jobs')
  .option('-s, --scheduled', 'show only scheduled jobs')
  .option('-a, --all', 'show all jobs, terminated ones too')
  .action(listCommand);

program
  .command('cancel')
  .description('Cancels a job running on a JobManager')
  .argument('<jobId>', 'ID of the job (32 hexadecimal digits)')
  .option('-m, --jobmanager <host:port>', 'address of the JobManager (default: rest.address:rest.port)')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(cancelCommand);

program
  .command('savepoint')
  .description(
    'Triggers a savepoint of a running job and prints its path once it completed; with -d, disposes one',
  )
  .argument('[jobId]', 'ID of the job (32 hexadecimal digits); not with -d')
  .argument('[targetDirectory]', 'where to write the savepoint (default: state.savepoints.dir)')
  .option('-d, --dispose <savepointPath>', 'dispose (delete) the savepoint at this path instead')
  .option('-m, --jobmanager <host:port>', 'address of the JobManager (default: rest.address:rest.port)')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(savepointCommand);

program
  .command('stop')
  .description(
    'Stops a running job with a savepoint and prints its path once the job stopped; with -d, drains it first',
  )
  .argument('<jobId>', 'ID of the job (32 hexadecimal digits)')
  .option(
    '-p, --savepointPath <savepointPath>',
    'where to write the savepoint (default: state.savepoints.dir)',
  )
  .option(
    '-d, --drain',
    'emit MAX_WATERMARK before the savepoint, so every event-time window and timer fires',
  )
  .option('-m, --jobmanager <host:port>', 'address of the JobManager (default: rest.address:rest.port)')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(stopCommand);

program
  .command('jobmanager')
  .description('Runs a JobManager (session mode) in the foreground')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(jobManagerCommand);

program
  .command('standalone-job')
  .description(
    'Runs a JobManager in application mode in the foreground: it runs the one job of --bundle under ' +
      'job ID 00000000000000000000000000000000 (resumed, not resubmitted, after a restart with ' +
      'high-availability.storageDir) and keeps running after the job ended, until SIGTERM',
  )
  .argument('[args...]', 'program arguments of the job (after --)')
  .requiredOption(
    '--bundle <path-or-s3-url>',
    'the job: a bundle (freshet bundle), a .ts/.js job file, or s3://bucket/key of one (read with the s3.* settings)',
  )
  .option('-p, --parallelism <n>', 'default parallelism of the job')
  .option('-s, --fromSavepoint <path>', 'start the job from this savepoint (not when it is recovered)')
  .option('-n, --allowNonRestoredState', 'with -s: skip savepoint state that maps to no operator')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(standaloneJobCommand);

program
  .command('taskmanager')
  .description('Runs a TaskManager in the foreground; it registers at jobmanager.rpc.address:port')
  .option('-D, --define <key=value>', 'set a configuration key (repeatable)', collectDefine)
  .action(taskManagerCommand);

program
  .command('cluster')
  .description('Starts a local session cluster (1 JobManager, N TaskManagers as child processes)')
  .option('-n, --taskmanagers <n>', 'number of TaskManagers', '1')
  .option('-D, --define <key=value>', 'set a configuration key for every process (repeatable)', collectDefine)
  .option('--log-dir <dir>', 'where the processes write their logs (default: a new temporary directory)')
  .action(clusterCommand);

for (const command of program.commands) {
  command.exitOverride().configureOutput({ outputError: (text, write) => write(`${oneLineError(text)}\n`) });
}

/** Commander's "error: …" (plus an optional "(Did you mean …?)" line) as our one-line form. */
function oneLineError(text: string): string {
  const joined = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
  return `freshet: ${joined.startsWith('error:') ? joined : `error: ${joined}`}`;
}

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    process.stderr.write(`${describeFailure(error)}\n`);
    return exitCodeFor(error);
  }
}

const code = await main();
process.exitCode = code;
// Give stdout time to drain, but never hang on a stray handle.
setTimeout(() => process.exit(code), 2000).unref();
