import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { buildProgram, type CliOptions, type SharedNameOptions } from './cli/program.js';
import type { JsonError } from './cli/output.js';
import { toPushOptions } from './cli/push-options.js';
import { commandLineSecretWarnings, redactorForEnvironment, secretHeaderValue, type Redactor } from './cli/redact.js';
import { destinationProblem, optionGiven, singleDashLongOption, usageProblem } from './cli/usage.js';
import type { RunReport } from './index.js';

// Only commander is loaded up front so that --help and usage errors answer fast;
// the CSV and push machinery is imported once a run actually needs it.

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/** Runs the CLI; sets process.exitCode rather than exiting, so buffered output is flushed. */
export async function main(argv: string[]): Promise<void> {
  // Write errors on stdout (a closed pipe, a full disk) reach writeStdout's callbacks; the event
  // is emitted as well and would otherwise end the process with a trace.
  process.stdout.on('error', () => {});
  const redactor = redactorForEnvironment(process.env);
  const writeErr = (text: string): void => void process.stderr.write(redactor.redact(text));
  if (argv[2] === 'groups' || argv[2] === 'prune') {
    const { runGroupCommand } = await import('./cli/group-commands.js');
    process.exitCode = await runGroupCommand(argv, version(), {
      env: process.env,
      cwd: process.cwd(),
      writeOut: (text) => process.stdout.write(text),
      writeErr,
      redactor,
    });
    return;
  }
  const parsed: SharedNameOptions = { httpHeaders: [], csvHeader: true };
  const program = buildProgram(version(), process.env, parsed, { writeOut: (text) => process.stdout.write(text), writeErr });
  // Known before parsing, so that a usage error is answered in JSON too (the output module, and
  // chalk with it, is loaded only then: usage errors answer fast).
  const usageFailed = async (message: string): Promise<void> => {
    process.exitCode = 2;
    if (!optionGiven(argv, '--json')) return;
    const { jsonSummary } = await import('./cli/output.js');
    const action = optionGiven(argv, '--delete') ? 'delete' : optionGiven(argv, '--dry-run') ? 'dry-run' : 'push';
    await writeAllStdout([jsonSummary({ action, warnings: [], redactor }, undefined, { code: 'USAGE', message, exitCode: 2 })]);
  };
  const oneDash = singleDashLongOption(argv, program);
  if (oneDash !== undefined) {
    writeErr(`error: ${oneDash}\n(run csv-push --help for usage)\n`);
    await usageFailed(oneDash);
    return;
  }
  let files: string[];
  let options: CliOptions & SharedNameOptions;
  let given: (option: keyof CliOptions) => boolean;
  try {
    program.parse(argv);
    files = program.args;
    options = { ...program.opts<CliOptions>(), ...parsed };
    // Options with a default (--gateway, --method, --timeout ...) count as given only when typed.
    given = (option) => program.getOptionValueSource(option) === 'cli';
  } catch (error) {
    if (error instanceof CommanderError) {
      const isHelpOrVersion = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      if (isHelpOrVersion) {
        process.exitCode = 0;
        return;
      }
      if (error.code === 'csv-push.usage') writeErr(`${error.message}\n`);
      await usageFailed(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '));
      return;
    }
    throw error;
  }
  const gatewayHasPassword = redactor.addUrlUserInfo(options.remoteWrite ?? options.gateway);
  if (options.remoteWrite !== undefined) redactor.addUrlUserInfo(options.gateway);
  for (const header of options.httpHeaders) redactor.add(secretHeaderValue(header));
  const problem = destinationProblem(options, given) ?? usageProblem(files, options);
  if (problem !== undefined) {
    writeErr(`error: ${problem}\n(run csv-push --help for usage)\n`);
    await usageFailed(problem);
    return;
  }
  const passwordOnCommandLine = gatewayHasPassword && (options.remoteWrite !== undefined || program.getOptionValueSource('gateway') === 'cli');
  await run(files, options, redactor, passwordOnCommandLine);
}

/** Resolves once the text is written; rejects with the write error (a closed pipe, a full disk). */
function writeStdout(chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error === undefined || error === null ? resolve() : reject(error)));
  });
}

/** Why stdout refused a write, if it did; a reader that closed the pipe (`| head`) is not an error. */
async function writeAllStdout(chunks: Iterable<string | Uint8Array>): Promise<string | undefined> {
  try {
    for (const chunk of chunks) await writeStdout(chunk);
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code === 'EPIPE' ? undefined : (message ?? code ?? String(error));
  }
}

async function run(files: string[], options: CliOptions & SharedNameOptions, redactor: Redactor, passwordInGatewayOption: boolean): Promise<void> {
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
    redactor,
  });
  const readBackNotes: string[] = [];
  const destination = options.textfile !== undefined ? ('textfile' as const) : options.remoteWrite !== undefined ? ('remote-write' as const) : ('push' as const);
  const jsonRun = {
    action: options.delete ? ('delete' as const) : options.dryRun ? ('dry-run' as const) : destination,
    warnings: readBackNotes,
    redactor,
  };
  const printJson = async (report: RunReport | undefined, error: JsonError | undefined): Promise<void> => {
    if (!options.json) return;
    const problem = await writeAllStdout([jsonSummary(jsonRun, report, error)]);
    if (problem === undefined) return;
    const pushed = report?.pushed === true && error === undefined;
    // The exit code is about the gateway; a summary lost on a full disk does not undo a push that landed.
    reporter.error(`could not write the --json summary to standard output (${problem})${pushed ? '; the push itself succeeded, so the exit code stays 0' : ''}`);
  };
  commandLineSecretWarnings(options.httpHeaders, passwordInGatewayOption && options.remoteWrite === undefined).forEach((text) => reporter.alwaysWarn(text));
  if (passwordInGatewayOption && options.remoteWrite !== undefined) {
    reporter.alwaysWarn('--remote-write carries a password on the command line, where `ps` shows it to every user of this machine; use --username with --password-file instead');
  }
  let report: RunReport | undefined;
  let warnedRows = false;
  // Only a person at a terminal wants a progress line: never a pipe, a log file, or a CI log.
  const progress =
    process.stderr.isTTY && !options.quiet && !options.json && process.env.CI === undefined && process.env.TERM !== 'dumb'
      ? new (await import('./cli/progress.js')).ReadProgressLine(process.stderr, (text) => redactor.redact(text))
      : undefined;
  try {
    // The PUSHGATEWAY_ variables are the gateway's: a remote-write receiver elsewhere never gets them.
    const remote = options.remoteWrite !== undefined;
    const transport = await transportFromOptions(options, options.httpHeaders, remote ? {} : process.env, library, reporter, remote ? 'receiver' : 'gateway');
    redactor.add(transport.bearerToken);
    if (transport.credentials !== undefined) redactor.addBasic(transport.credentials.username, transport.credentials.password);
    const pushOptions = toPushOptions(files, options, library, process.stdin, {
      ...transport,
      onAttempt: (event) => {
        if (event.readBack !== undefined) readBackNotes.push(event.readBack);
        transport.onAttempt?.(event);
      },
    });
    const onProgress = progress === undefined ? {} : { onProgress: (read: Parameters<typeof progress.update>[0]) => progress.update(read) };
    const everySeries = { job: options.job, labels: pushOptions.groupingLabels as ReturnType<typeof library.parseGroupingLabel>[] };
    if (options.textfile !== undefined) {
      const prepared = await library.prepareTextfile({ ...pushOptions, ...onProgress, ...everySeries, textfile: options.textfile }).finally(() => progress?.stop());
      report = prepared.report;
      reporter.rowWarnings(report);
      if (options.dryRun) {
        const problem = await writeAllStdout([prepared.text]);
        if (problem !== undefined) {
          reporter.error(`could not write the textfile's text to standard output (${problem}); nothing was written`);
          process.exitCode = 1;
          return;
        }
      } else {
        warnedRows = true;
        report = await library.writePreparedTextfile(prepared);
      }
    } else if (options.remoteWrite !== undefined) {
      // Rows stream out while they are read, so their warnings come at the end.
      report = await library
        .remoteWriteCsv({
          ...pushOptions,
          ...onProgress,
          ...everySeries,
          remoteWrite: options.remoteWrite,
          timestampColumn: options.timestampColumn,
          batchSize: options.batchSize,
          dryRun: options.dryRun === true,
        })
        .finally(() => progress?.stop());
      reporter.rowWarnings(report);
    } else if (options.delete) {
      report = await library.deleteGroup({ ...pushOptions, job: pushOptions.job as string });
    } else {
      const prepared = await library
        .preparePush({ ...pushOptions, ...(progress === undefined ? {} : { onProgress: (read) => progress.update(read) }) })
        .finally(() => progress?.stop());
      report = prepared.report;
      reporter.rowWarnings(report);
      if (options.dryRun) {
        const problem = await writeAllStdout(prepared.body.chunks());
        if (problem !== undefined) {
          reporter.error(`could not write the exposition text to standard output (${problem}); nothing was sent`);
          process.exitCode = 1;
          return;
        }
      } else {
        warnedRows = true;
        report = await library.sendPush(prepared);
      }
    }
    reporter.summary(report);
    reporter.pushStepSummary(report);
    process.exitCode = 0;
    await printJson(report, undefined);
  } catch (error) {
    if (!(error instanceof library.CsvPushError)) {
      reporter.error(`unexpected failure, please report it: ${error instanceof Error ? (options.verbose ? error.stack : error.message) : String(error)}`);
      reporter.pushStepSummary(report, String(error));
      process.exitCode = 1;
      await printJson(report, { code: 'INTERNAL', message: String(error), exitCode: 1 });
      return;
    }
    if (error.report !== undefined && !warnedRows) reporter.rowWarnings(error.report);
    reporter.error(error.message);
    reporter.pushStepSummary(error.report ?? report, error.message);
    if (options.verbose && error.stack !== undefined) reporter.detail(error.stack);
    process.exitCode = error.exitCode;
    await printJson(error.report, { code: error.code, message: error.message, exitCode: error.exitCode });
  }
}
