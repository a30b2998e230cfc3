import { Command } from 'commander';
import { addTransportOptions, gatewayOption, type ConnectionCliOptions } from './connection.js';
import { collect } from './option-values.js';

// `csv-push groups` and `csv-push prune`: looking after the groups a gateway holds.

export interface GroupCommandOptions extends ConnectionCliOptions {
  job?: string;
  label?: string[];
  olderThan?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export const FILE_NAMED_LIKE_A_COMMAND = 'to push a CSV file named groups or prune, write ./groups or ./prune';

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

export type GroupCommandName = 'groups' | 'prune';

/** The `groups` and `prune` commands; `chosen` is told which one the command line named, with its options. */
export function buildGroupCommands(
  env: NodeJS.ProcessEnv,
  output: { readonly writeOut: (text: string) => void; readonly writeErr: (text: string) => void },
  chosen: (name: GroupCommandName, options: GroupCommandOptions) => void,
  httpHeaders: string[],
): Command[] {
  const settle = (command: Command): Command =>
    command
      .exitOverride()
      .configureOutput(output)
      .showHelpAfterError(`(run csv-push <command> --help for usage; ${FILE_NAMED_LIKE_A_COMMAND})`);
  const groups = settle(new Command('groups'))
    .description("List the gateway's groups: grouping labels, series, last push time and age, and whether the last push failed.");
  addFilterOptions(groups, env, httpHeaders, 'only groups whose last successful push is older than this (90s, 15m, 24h, 7d)')
    .addHelpText('after', GROUPS_EXAMPLES)
    .action((options: GroupCommandOptions) => chosen('groups', options));
  const prune = settle(new Command('prune'))
    .description('Delete the groups whose last successful push is older than --older-than, one DELETE per group, listing each.');
  addFilterOptions(prune, env, httpHeaders, 'required: delete groups whose last successful push is older than this (90s, 15m, 24h, 7d)')
    .option('--dry-run', 'list the groups that would be deleted; delete nothing')
    .addHelpText('after', PRUNE_EXAMPLES)
    .action((options: GroupCommandOptions) => chosen('prune', options));
  return [groups, prune];
}

