/**
 * The `authlab` command line: parses, builds the config once, calls one command module and
 * maps errors to exit statuses (2 for bad input, 1 for a failure, 130 for Ctrl-C).
 */
import { Argument, Command, CommanderError, Option } from 'commander';

import { loadConfig, type ConfigFlags, type LabConfig } from './config/lab-config.js';
import { LabError, isLabError } from './errors.js';
import { downCommand } from './commands/down.js';
import { experimentCommand } from './commands/experiment.js';
import { installCommand } from './commands/install.js';
import { logsCommand } from './commands/logs.js';
import { replicaCommand, REPLICA_ACTIONS } from './commands/replica.js';
import { reportCommand } from './commands/report.js';
import { scaleCommand } from './commands/scale.js';
import { statusCommand } from './commands/status.js';
import { upCommand } from './commands/up.js';
import { parseInteger } from './parse/numbers.js';
import type { ServiceName } from './runtime/lab-state.js';
import type { ReplicaAction } from './runtime/runtime.js';

const SERVICE_NAMES: ServiceName[] =
  ['postgres', 'redis', 'kafka', 'connect', 'mongo', 'auth', 'profile', 'nginx', 'prometheus'];

function globalFlags(program: Command): ConfigFlags {
  const options = program.opts<Record<string, string | undefined>>();
  return {
    labDir: options.labDir,
    portBase: options.portBase,
    runtime: options.runtime,
    resultsDir: options.resultsDir,
  };
}

function parseOnly(raw: string | undefined): ServiceName[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!SERVICE_NAMES.includes(name as ServiceName)) {
      throw new LabError('BAD_INPUT',
        `--only: unknown service "${name}"; known: ${SERVICE_NAMES.join(', ')}`);
    }
  }
  return names as ServiceName[];
}

function buildProgram(run: (action: () => Promise<number>) => Promise<void>): Command {
  const program = new Command('authlab')
    .description('A lab for distributed-authentication experiments.')
    .option('--lab-dir <dir>', 'the lab folder (state, logs, data); env AUTHLAB_LAB_DIR', undefined)
    .option('--port-base <port>', 'first port of the lab; env AUTHLAB_PORT_BASE (default 15400)')
    .option('--results-dir <dir>', 'where run folders go; env AUTHLAB_RESULTS_DIR')
    .addOption(new Option('--runtime <name>', 'local or docker; env AUTHLAB_RUNTIME')
      .choices(['local', 'docker']))
    .exitOverride();
  const config = (extra: ConfigFlags = {}): LabConfig =>
    loadConfig({ flags: { ...globalFlags(program), ...extra } });

  program.command('install')
    .description('install every local component (Debian packages, jars, FerretDB)')
    .action(() => run(() => installCommand(config())));

  program.command('up')
    .description('boot the stack on 127.0.0.1 (idempotent)')
    .option('--auth <n>', 'auth replicas')
    .option('--profile <n>', 'profile replicas')
    .option('--bcrypt-cost <n>', 'bcrypt cost of the auth service (4-15)')
    .option('--only <services>',
      `start only these and their dependencies: ${SERVICE_NAMES.join(',')}`)
    .action((options) => run(() => upCommand(config({
      authReplicas: options.auth, profileReplicas: options.profile, bcryptCost: options.bcryptCost,
    }), { only: parseOnly(options.only) })));

  program.command('status')
    .description('one row per replica: state, port, pid, CPU, memory')
    .option('--json', 'machine-readable output')
    .action((options) => run(() => statusCommand(config(), { json: Boolean(options.json) })));

  program.command('scale')
    .description('change replica counts of a running lab, e.g. `authlab scale auth=4 profile=2`')
    .argument('<assignments...>', 'service=count pairs (auth, profile)')
    .action((assignments: string[]) => run(() => scaleCommand(config(), assignments)));

  program.command('replica')
    .description('fault injection on one replica: stop, kill, pause, resume, start')
    .addArgument(new Argument('<action>', 'what to do').choices(REPLICA_ACTIONS))
    .argument('<replica>', 'e.g. profile-1, kafka')
    .action((action: ReplicaAction, replica: string) => run(() =>
      replicaCommand(config(), action, replica)));

  program.command('logs')
    .description('the tail of one replica\'s log')
    .argument('<replica>', 'e.g. kafka, auth-2')
    .option('-n, --lines <n>', 'how many lines', '40')
    .action((replica: string, options) => run(() => logsCommand(config(), replica,
      parseInteger(options.lines, { name: '--lines', min: 1, max: 100_000 }))));

  program.command('experiment')
    .description('run a scripted experiment and record it under results/')
    .argument('<name>', 'the experiment (authlab experiment list)')
    .argument('[options...]', 'its parameters, e.g. --count 200 --rate 50')
    .allowUnknownOption()
    .helpOption(false)
    .action((name: string, rest: string[]) => run(() => experimentCommand(config(), name, rest)));

  program.command('report')
    .description('render a run (default: the latest) as a table and report files')
    .argument('[run]', 'a run folder name or path')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'markdown'])
      .default('table'))
    .option('--compare <run>', 'set the run against another one (name, path or "latest")')
    .action((runName: string | undefined, options) => run(() =>
      reportCommand(config(), runName, { format: options.format, compare: options.compare })));

  program.command('down')
    .description('stop every process the lab started')
    .option('--purge', 'also delete the lab\'s data, logs and secrets')
    .action((options) => run(() => downCommand(config(), { purge: Boolean(options.purge) })));

  return program;
}

function report(error: unknown): number {
  if (isLabError(error)) {
    process.stderr.write(`authlab: ${error.message}\n`);
    if (error.details) process.stderr.write(`${error.details}\n`);
    if (process.env.AUTHLAB_DEBUG && error.cause) console.error(error.cause);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`authlab: internal error: ${message}\n` +
    '(set AUTHLAB_DEBUG=1 for the stack trace and report it)\n');
  if (process.env.AUTHLAB_DEBUG) console.error(error);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const run = async (action: () => Promise<number>) => {
    exitCode = await action();
  };
  const program = buildProgram(run);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander refuses is bad input.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ||
          error.code === 'commander.help') return 0;
      return 2;
    }
    return report(error);
  }
}
