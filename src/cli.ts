import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram, type CliOptions, type SharedNameOptions } from './cli/program.js';
import type { CsvSource, PushCsvOptions, RunReport, TransportOptions } from './index.js';

// Only commander is loaded up front so that --help and usage errors answer fast;
// the CSV and push machinery is imported once a run actually needs it.

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/** Runs the CLI; sets process.exitCode rather than exiting, so buffered output is flushed. */
export async function main(argv: string[]): Promise<void> {
  // `csv-push --dry-run ... | head` closes the pipe early; that is not an error worth a trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  if (argv[2] === 'groups' || argv[2] === 'prune') {
    const { runGroupCommand } = await import('./cli/group-commands.js');
    process.exitCode = await runGroupCommand(argv, version(), {
      env: process.env,
      cwd: process.cwd(),
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    });
    return;
  }
  const parsed: SharedNameOptions = { httpHeaders: [], csvHeader: true };
  const program = buildProgram(version(), process.env, parsed);
  let files: string[];
  let options: CliOptions & SharedNameOptions;
  try {
    program.parse(argv);
    files = program.args;
    options = { ...program.opts<CliOptions>(), ...parsed };
  } catch (error) {
    if (error instanceof CommanderError) {
      const isHelpOrVersion = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      if (error.code === 'csv-push.usage') process.stderr.write(`${error.message}\n`);
      process.exitCode = isHelpOrVersion ? 0 : 2;
      return;
    }
    throw error;
  }
  const problem = usageProblem(files, options);
  if (problem !== undefined) {
    process.stderr.write(`error: ${problem}\n(run csv-push --help for usage)\n`);
    process.exitCode = 2;
    return;
  }
  await run(files, options);
}

async function run(files: string[], options: CliOptions & SharedNameOptions): Promise<void> {
  const [library, { Reporter, jsonSummary }, { transportFromOptions }] = await Promise.all([
    import('./index.js'),
    import('./cli/output.js'),
    import('./cli/connection.js'),
  ]);
  const reporter = new Reporter({
    quiet: options.quiet === true,
    verbose: options.verbose === true,
    env: process.env,
    cwd: process.cwd(),
    writeErr: (text) => process.stderr.write(text),
  });
  let report: RunReport | undefined;
  let warnedRows = false;
  try {
    const transport = await transportFromOptions(options, options.httpHeaders, process.env, library, reporter);
    const pushOptions = toPushOptions(files, options, library, transport);
    if (options.delete) {
      report = await library.deleteGroup(pushOptions);
    } else {
      const prepared = await library.preparePush(pushOptions);
      report = prepared.report;
      reporter.rowWarnings(report);
      if (options.dryRun) {
        for (const chunk of prepared.body.chunks()) process.stdout.write(chunk);
      } else {
        warnedRows = true;
        report = await library.sendPush(prepared);
      }
    }
    reporter.summary(report);
    reporter.pushStepSummary(report);
    if (options.json) process.stdout.write(jsonSummary(report, undefined));
    process.exitCode = 0;
  } catch (error) {
    if (!(error instanceof library.CsvPushError)) {
      reporter.error(`unexpected failure, please report it: ${error instanceof Error ? (options.verbose ? error.stack : error.message) : String(error)}`);
      reporter.pushStepSummary(report, String(error));
      if (options.json) process.stdout.write(jsonSummary(report, { code: 'INTERNAL', message: String(error), exitCode: 1 }));
      process.exitCode = 1;
      return;
    }
    if (error.report !== undefined && !warnedRows) reporter.rowWarnings(error.report);
    reporter.error(error.message);
    reporter.pushStepSummary(error.report ?? report, error.message);
    if (options.verbose && error.stack !== undefined) reporter.detail(error.stack);
    if (options.json) {
      process.stdout.write(jsonSummary(error.report, { code: error.code, message: error.message, exitCode: error.exitCode }));
    }
    process.exitCode = error.exitCode;
  }
}

function toPushOptions(
  files: string[],
  options: CliOptions & SharedNameOptions,
  library: Pick<typeof import('./index.js'), 'parseGroupingLabel'>,
  transport: TransportOptions,
): PushCsvOptions {
  return {
    sources: files.map((file): CsvSource => (file === '-' ? { name: 'standard input', stream: process.stdin } : { path: file })),
    job: options.job,
    gateway: options.gateway,
    groupingLabels: (options.label ?? []).map(library.parseGroupingLabel),
    metric: options.metric,
    description: options.description,
    valueColumns: options.valueColumn ?? [],
    method: options.method,
    strict: options.strict === true,
    labelColumns: options.labelColumn,
    ignoreColumns: options.ignoreColumn ?? [],
    metricColumn: options.metricColumn,
    columns: options.columns?.split(',').map((name) => name.trim()),
    dialect: {
      delimiter: options.delimiter,
      quote: options.quote,
      trim: options.trim === true,
      comment: options.comment,
      skipLines: options.skipLines,
      encoding: options.encoding,
      maxRecordSize: options.maxRecordSize,
    },
    transport: { ...transport, gzip: options.gzip === true },
  };
}

/** Checks that need no file and no library, so a mistyped command answers at once. */
function usageProblem(files: string[], options: CliOptions & SharedNameOptions): string | undefined {
  if (options.delete) {
    if (files.length > 0) return '--delete takes no file: it deletes the whole group named by --job and --label';
    if (options.dryRun) return '--delete and --dry-run cannot be combined';
    return undefined;
  }
  if (files.length === 0) return 'no CSV file given; pass a path, or - for standard input';
  if (files.filter((file) => file === '-').length > 1) return 'standard input (-) can be read only once';
  if (options.dryRun && options.json) return '--dry-run and --json both print on stdout; use one of them';
  if (!options.csvHeader && options.columns === undefined) return '--no-header needs --columns to name the columns, e.g. --columns host,region,value';
  if (options.csvHeader && options.columns !== undefined) return '--columns names the columns of a file without a header row; add --no-header';
  return undefined;
}
