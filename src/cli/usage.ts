import type { Command } from 'commander';
import type { CliOptions, SharedNameOptions } from './program.js';

// Checks of the command line that need no file and no library, so a mistyped command answers at once.

/** Whether an option is on the command line, before any `--` that ends the options. */
export function optionGiven(argv: readonly string[], name: string): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes(name);
}

/**
 * `-job x` would be read as `-j ob` and a file named x: a word after one dash that is the name of
 * a long option is answered with that option instead.
 */
export function singleDashLongOption(argv: readonly string[], program: Command): string | undefined {
  const end = argv.indexOf('--');
  const longNames = new Set(program.options.map((option) => option.long).filter((name): name is string => name !== undefined));
  for (const arg of (end === -1 ? argv : argv.slice(0, end)).slice(2)) {
    const word = /^-([a-zA-Z][\w-]+)$/.exec(arg)?.[1];
    if (word !== undefined && longNames.has(`--${word}`)) return `unknown option '${arg}' (did you mean --${word}? long options take two dashes)`;
  }
  return undefined;
}

/** Options that only make sense for a request, by the name commander files them under. */
const NETWORK_OPTIONS: readonly [keyof CliOptions, string][] = [
  ['timeout', '--timeout'],
  ['proxy', '--proxy'],
  ['retries', '--retries'],
  ['username', '--username'],
  ['passwordFile', '--password-file'],
  ['bearerTokenFile', '--bearer-token-file'],
  ['caFile', '--ca-file'],
  ['certFile', '--cert-file'],
  ['keyFile', '--key-file'],
  ['insecure', '--insecure'],
  ['gzip', '--gzip'],
];

/** Checks that a run names one destination and only options that apply to it. */
export function destinationProblem(options: CliOptions & SharedNameOptions, given: (option: keyof CliOptions) => boolean): string | undefined {
  const named = [
    given('gateway') ? '--gateway' : '',
    options.textfile === undefined ? '' : '--textfile',
    options.remoteWrite === undefined ? '' : '--remote-write',
    options.openmetrics === undefined ? '' : '--openmetrics',
  ].filter(Boolean);
  if (named.length > 1) return `${named.join(' and ')} each name a destination; give one per run (the Pushgateway is the default)`;
  const destination = named[0] === '--gateway' ? undefined : named[0];
  if (options.openmetrics === '-') return '--openmetrics takes a file path, not "-": promtool tsdb create-blocks-from openmetrics reads a file (write one, e.g. --openmetrics history.om)';
  if (options.timestampColumn === undefined) {
    const needsColumn = [options.timestampFormat === undefined ? '' : '--timestamp-format', options.timezone === undefined ? '' : '--timezone'].filter(Boolean);
    if (needsColumn.length > 0) return `${needsColumn.join(' and ')} ${needsColumn.length === 1 ? 'says' : 'say'} how to read --timestamp-column's cells; name that column too (with --remote-write or --openmetrics)`;
    if (destination === '--openmetrics') {
      return `--openmetrics ${options.openmetrics} writes each row's time for promtool's backfill; name the column holding it: --timestamp-column <column>`;
    }
  }
  if (options.timestampColumn !== undefined && destination !== '--remote-write' && destination !== '--openmetrics') {
    return "--timestamp-column needs --remote-write or --openmetrics: the Pushgateway refuses samples that carry a time, and so does node_exporter's textfile collector";
  }
  if (destination !== '--remote-write') {
    if (given('batchSize')) return '--batch-size applies to --remote-write only; the other destinations take all rows at once';
  }
  if (options.fileMode !== undefined && destination !== '--textfile') return '--file-mode sets the mode of the --textfile file; give it with --textfile';
  if (destination === undefined) return undefined;
  if (options.delete) return `--delete deletes a group on the Pushgateway; it does not go with ${destination}`;
  if (given('method')) return `--method chooses how the Pushgateway replaces a group; it does not go with ${destination}`;
  if (destination === '--remote-write') {
    return options.gzip ? '--gzip does not go with --remote-write: remote write bodies are snappy-compressed, as the protocol requires' : undefined;
  }
  const network = NETWORK_OPTIONS.find(([option]) => given(option))?.[1] ?? (options.httpHeaders.length > 0 ? '--header' : undefined);
  return network === undefined ? undefined : `${network} applies to a request; ${destination} writes a local file`;
}

/** Checks that need no file and no library, so a mistyped command answers at once. */
export function usageProblem(files: string[], options: CliOptions & SharedNameOptions): string | undefined {
  // A textfile, remote write or OpenMetrics file needs no job: there is no group to name.
  const needsJob = options.textfile === undefined && options.remoteWrite === undefined && options.openmetrics === undefined;
  if (needsJob && options.job === undefined && !(options.dryRun && !options.delete)) {
    return "required option '-j, --job <name>' not specified (only --dry-run goes without it)";
  }
  if (options.delete) {
    if (files.length > 0) return '--delete takes no file: it deletes the whole group named by --job and --label';
    if (options.dryRun) return '--delete and --dry-run cannot be combined';
    return undefined;
  }
  if (files.length === 0) return 'no CSV file given; pass a path, or - for standard input';
  if (files.filter((file) => file === '-').length > 1) return 'standard input (-) can be read only once';
  // A remote-write dry run prints nothing on stdout: its summary may go there as JSON.
  if (options.dryRun && options.json && options.remoteWrite === undefined) return '--dry-run and --json both print on stdout; use one of them';
  if (!options.csvHeader && options.columns === undefined) return '--no-header needs --columns to name the columns, e.g. --columns host,region,value';
  if (options.csvHeader && options.columns !== undefined) return '--columns names the columns of a file without a header row; add --no-header';
  return undefined;
}
