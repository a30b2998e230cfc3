import { Command, CommanderError } from 'commander';
import { addTransportOptions, gatewayOption, transportFromOptions, type ConnectionCliOptions } from './connection.js';
import { pruneStepSummary } from './github-actions.js';
import { collect } from './option-values.js';
import { Reporter, plural } from './output.js';
import type { Redactor } from './redact.js';

// `csv-push groups` and `csv-push prune`: looking after the groups a gateway holds. They are
// their own commander program, chosen by the first argument, because the push command takes
// files as operands and demands --job, which these commands do not.

export interface CommandIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
  /** Hides secrets in what the commands print (the caller's writeErr redacts as well). */
  readonly redactor: Redactor;
}

interface GroupCommandOptions extends ConnectionCliOptions {
  job?: string;
  label?: string[];
  olderThan?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const FILE_NAMED_LIKE_A_COMMAND = 'to push a CSV file named groups or prune, write ./groups or ./prune';

const GROUPS_EXAMPLES = `
Examples:
  $ csv-push groups
  $ csv-push groups --job nightly --label instance=web-1
  $ csv-push groups --older-than 24h --json
  $ csv-push groups -g https://gw:9091 --ca-file ca.pem --username alice --password-file pw.txt

Exit codes: 0 listed, 1 the gateway could not be read, 2 usage error.
(${FILE_NAMED_LIKE_A_COMMAND})`;

const PRUNE_EXAMPLES = `
Durations: 90s, 15m, 24h, 7d, 2w, 1h30m. A group that never had a successful push counts as older
than any duration. Each group is deleted with its exact grouping key, one DELETE per group.

Examples:
  $ csv-push prune --older-than 7d --dry-run
  $ csv-push prune --older-than 7d
  $ csv-push prune --older-than 36h --job nightly --label env=staging --json

Exit codes: 0 every matching group deleted (or none matched), 1 the gateway could not be read or a
delete failed (each failure is named), 2 usage error, such as a missing or zero --older-than.
(${FILE_NAMED_LIKE_A_COMMAND})`;

function addFilterOptions(command: Command, env: NodeJS.ProcessEnv, httpHeaders: string[], olderThan: string): Command {
  command
    .option('-j, --job <name>', 'only groups of this job')
    .option('-l, --label <name=value>', 'only groups with this grouping label (an empty value matches a missing one); repeatable', collect)
    .option('--older-than <duration>', olderThan)
    .addOption(gatewayOption(env));
  return addTransportOptions(command, httpHeaders)
    .option('--json', 'print one JSON object on stdout instead of the listing')
    .option('-q, --quiet', 'print errors only')
    .option('--verbose', 'show every request and stack traces');
}

function buildGroupProgram(env: NodeJS.ProcessEnv, io: CommandIo, chosen: (name: 'groups' | 'prune', options: GroupCommandOptions) => void, httpHeaders: string[]): Command {
  const program = new Command('csv-push')
    .exitOverride()
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr })
    .showHelpAfterError(`(run csv-push <command> --help for usage; ${FILE_NAMED_LIKE_A_COMMAND})`);
  const groups = program
    .command('groups')
    .description("List the gateway's groups: grouping labels, series, last push time and age, and whether the last push failed.");
  addFilterOptions(groups, env, httpHeaders, 'only groups whose last successful push is older than this (90s, 15m, 24h, 7d)')
    .addHelpText('after', GROUPS_EXAMPLES)
    .action((options: GroupCommandOptions) => chosen('groups', options));
  const prune = program
    .command('prune')
    .description('Delete the groups whose last successful push is older than --older-than, one DELETE per group, listing each.');
  addFilterOptions(prune, env, httpHeaders, 'required: delete groups whose last successful push is older than this (90s, 15m, 24h, 7d)')
    .option('--dry-run', 'list the groups that would be deleted; delete nothing')
    .addHelpText('after', PRUNE_EXAMPLES)
    .action((options: GroupCommandOptions) => chosen('prune', options));
  return program;
}

/** Runs `groups` or `prune`; returns the exit code. */
export async function runGroupCommand(argv: readonly string[], version: string, io: CommandIo): Promise<number> {
  let command: 'groups' | 'prune' | undefined;
  let options: GroupCommandOptions = { timeout: 10, retries: 2 };
  const httpHeaders: string[] = [];
  const program = buildGroupProgram(io.env, io, (name, given) => {
    command = name;
    options = given;
  }, httpHeaders);
  program.version(version, '-V, --version');
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'csv-push.usage') io.writeErr(`${error.message}\n`);
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? 0 : 2;
  }
  if (command === 'prune' && options.olderThan === undefined) {
    io.writeErr(`error: prune needs --older-than, e.g. --older-than 7d: it never deletes groups whatever their age\n(run csv-push prune --help for usage; ${FILE_NAMED_LIKE_A_COMMAND})\n`);
    return 2;
  }
  return command === undefined ? 2 : runChosen(command, options, httpHeaders, io);
}

async function runChosen(command: 'groups' | 'prune', options: GroupCommandOptions, httpHeaders: readonly string[], io: CommandIo): Promise<number> {
  const [library, output] = await Promise.all([import('../index.js'), import('./group-output.js')]);
  const reporter = new Reporter({ quiet: options.quiet === true, verbose: options.verbose === true, env: io.env, cwd: io.cwd, writeErr: io.writeErr, redactor: io.redactor });
  const printJson = (text: string): void => {
    if (options.json) io.writeOut(io.redactor.redact(text));
  };
  try {
    const filter = {
      gateway: options.gateway,
      job: options.job,
      labels: (options.label ?? []).map(library.parseGroupingLabel),
      olderThanMs: options.olderThan === undefined ? undefined : library.parseDuration(options.olderThan, '--older-than'),
      transport: await transportFromOptions(options, httpHeaders, io.env, library, reporter),
    };
    if (command === 'groups') {
      const report = await library.listGroups(filter);
      printJson(output.groupsJson(report, undefined));
      if (!options.json && report.groups.length > 0) io.writeOut(output.groupsTable(report.groups));
      if (!options.json && !options.quiet) {
        const count = report.groups.length === report.total ? plural(report.total, 'group') : `${report.groups.length} of ${plural(report.total, 'group')}`;
        io.writeErr(`${count} at ${report.gateway}${report.groups.length === report.total ? '' : ' match the filter'}\n`);
      }
      return 0;
    }
    const report = await library.pruneGroups({
      ...filter,
      olderThanMs: filter.olderThanMs ?? 0,
      dryRun: options.dryRun === true,
      onOutcome: (outcome) => {
        if (outcome.error !== undefined) reporter.error(`could not delete {${library.groupKeyText(outcome.group)}}: ${outcome.error.message}`);
        else if (!options.json && !options.quiet) io.writeOut(output.pruneLine(outcome));
      },
    });
    const failed = report.outcomes.some((outcome) => outcome.error !== undefined);
    const headline = output.pruneHeadline(report, options.olderThan ?? '');
    if (!options.quiet && !options.json) io.writeErr(`${report.dryRun ? '' : failed ? '✘ ' : '✔ '}${headline}\n`);
    reporter.stepSummary(pruneStepSummary(report, headline, (outcome) => library.groupKeyText(outcome.group)));
    printJson(output.pruneJson(report, undefined));
    return failed ? 1 : 0;
  } catch (error) {
    if (!(error instanceof library.CsvPushError)) throw error;
    reporter.error(error.message);
    if (options.verbose && error.stack !== undefined) reporter.detail(error.stack);
    const summary = { code: error.code, message: error.message, exitCode: error.exitCode };
    printJson(command === 'groups' ? output.groupsJson(undefined, summary) : output.pruneJson(undefined, summary));
    return error.exitCode;
  }
}
