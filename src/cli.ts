import type * as fs from 'node:fs';
import type * as v8 from 'node:v8';
import { requireBuiltin } from './node-builtins.js';
import { CommanderError, type Command } from 'commander';
import { buildGroupCommands, type GroupCommandName, type GroupCommandOptions } from './cli/group-commands.js';
import { buildProgram, buildPushCommand, type CliOptions, type SharedNameOptions } from './cli/program.js';
import type { JsonError } from './cli/output.js';
import { toPushOptions } from './cli/push-options.js';
import { addProxyUserInfo, commandLineSecretWarnings, redactorForEnvironment, secretHeaderValue, type Redactor } from './cli/redact.js';
import { destinationProblem, optionGiven, singleDashLongOption, usageProblem } from './cli/usage.js';
// No imports of its own: the same printer serves the dry run and every JSON summary.
import { printDryRun } from './destinations/dry-run.js';
import type { GroupingLabel, ReadProgress, RunReport } from './index.js';
import { temporaryCopies } from './pipeline/temporary-copies.js';

// Not imported: an import of node:fs reads its lazy parts (fs.promises, its streams) at once (node-builtins.ts).
const { readFileSync, statSync } = requireBuiltin('node:fs') as typeof fs;

/** `csv-push groups -job x` is a groups command's mistake, not the push command's. */
const GROUP_COMMANDS = new Set(['groups', 'prune']);

// Only commander is loaded up front so that --help and usage errors answer fast;
// the CSV and push machinery is imported once a run actually needs it.

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/**
 * A signal ends the run as it always did (the listener is gone once it is called, and the signal
 * is raised again, so the exit status still names it), after removing the copies of standard
 * input or a pipe that a run with times keeps in the temporary directory.
 */
function removeCopiesOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      temporaryCopies.removeAllNow();
      process.kill(process.pid, signal);
    });
  }
}

/** Runs the CLI; sets process.exitCode rather than exiting, so buffered output is flushed. */
export async function main(argv: string[]): Promise<void> {
  // Write errors on stdout (a closed pipe, a full disk) reach writeStdout's callbacks; the event
  // is emitted as well and would otherwise end the process with a trace. The same for stderr:
  // a warning that cannot be printed must not stop the data from landing.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  removeCopiesOnSignals();
  const redactor = redactorForEnvironment(process.env);
  addProxyUserInfo(redactor, process.env, process.argv);
  const writeErr = (text: string): void => writeQuietly(process.stderr, redactor.redact(text));
  const output = { writeOut: (text: string) => writeQuietly(process.stdout, text), writeErr };
  const parsed: SharedNameOptions = { httpHeaders: [], csvHeader: true };
  const groupHeaders: string[] = [];
  let groupCommand: { name: GroupCommandName; options: GroupCommandOptions } | undefined;
  const packageVersion = version();
  const push = buildPushCommand(packageVersion, process.env, parsed, output);
  const groupCommands = buildGroupCommands(process.env, output, (name, options) => (groupCommand = { name, options }), groupHeaders);
  const program = buildProgram(packageVersion, push, groupCommands, output);
  let commandParsed: Command = push;
  program.hook('preSubcommand', (_program, command) => {
    commandParsed = command;
  });
  // Known before parsing, so that a usage error is answered in JSON too (the output module, and
  // chalk with it, is loaded only then: usage errors answer fast).
  const usageFailed = async (message: string): Promise<void> => {
    process.exitCode = 2;
    if (!optionGiven(argv, '--json')) return;
    const usage = { code: 'USAGE', message, exitCode: 2 };
    if (commandParsed !== push) {
      const { groupsJson, pruneJson } = await import('./cli/group-output.js');
      await writeAllStdout([commandParsed.name() === 'groups' ? groupsJson(undefined, usage, redactor) : pruneJson(undefined, usage, redactor)]);
      return;
    }
    const { jsonSummary } = await import('./cli/output.js');
    const action = optionGiven(argv, '--delete') ? 'delete' : optionGiven(argv, '--dry-run') ? 'dry-run' : 'push';
    await writeAllStdout([jsonSummary({ action, warnings: [], redactor }, undefined, usage)]);
  };
  // `csv-push` alone is someone finding out what it does: the usage, not a complaint about --job.
  if (argv.length <= 2) {
    writeErr(push.helpInformation());
    process.exitCode = 2;
    return;
  }
  const oneDash = GROUP_COMMANDS.has(argv[2] ?? '') ? undefined : singleDashLongOption(argv, push);
  if (oneDash !== undefined) {
    writeErr(`error: ${oneDash}\n(run csv-push --help for usage)\n`);
    await usageFailed(oneDash);
    return;
  }
  try {
    program.parse(argv);
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
  if (groupCommand !== undefined) {
    const { runGroupCommand } = await import('./cli/group-run.js');
    process.exitCode = await runGroupCommand(groupCommand.name, groupCommand.options, groupHeaders, { env: process.env, cwd: process.cwd(), ...output, redactor, stderrIsTerminal: process.stderr.isTTY });
    return;
  }
  const files = push.args;
  const options: CliOptions & SharedNameOptions = { ...push.opts<CliOptions>(), ...parsed };
  // Options with a default (--gateway, --method, --timeout ...) count as given only when typed.
  const given = (option: keyof CliOptions): boolean => push.getOptionValueSource(option) === 'cli';
  const gatewayHasPassword = redactor.addUrlUserInfo(options.remoteWrite ?? options.gateway);
  if (options.remoteWrite !== undefined) redactor.addUrlUserInfo(options.gateway);
  for (const header of options.httpHeaders) redactor.add(secretHeaderValue(header));
  const problem = destinationProblem(options, given) ?? usageProblem(files, options);
  if (problem !== undefined) {
    writeErr(`error: ${problem}\n(run csv-push --help for usage)\n`);
    await usageFailed(problem);
    return;
  }
  const passwordOnCommandLine = gatewayHasPassword && (options.remoteWrite !== undefined || given('gateway'));
  // --proxy has no default from the environment: a password in it was typed on the command line.
  const proxyPasswordOnCommandLine = typeof options.proxy === 'string' && redactor.addUrlUserInfo(options.proxy);
  holdYoungGeneration(files);
  await run(files, options, redactor, passwordOnCommandLine, proxyPasswordOnCommandLine);
}

/** Input files larger than this in all may hold enough label sets to grow Node.js 24's young generation past Node.js 22's. */
const LARGE_INPUT_BYTES = 1 << 20;

/**
 * Node.js 24 lets its young generation grow to 128 MB (a 64 MB semi-space) when most of what is
 * allocated lives on, as a large push's label sets do; Node.js 20 and 22 stop at 32 MB. A
 * 100,000-row push peaked at 331 MB of RSS on Node.js 24 against 207 MB on 22
 * (docs/performance.md). The largest size is fixed when Node starts (--max-semi-space-size, which
 * the user would have to type), but V8 reads the growth factor each time the young generation
 * grows: at 1 it keeps the size it has. Only for inputs over LARGE_INPUT_BYTES: smaller ones never
 * grow it past Node.js 22's size, and a factor of 1 cost them CPU time (8% at 1,000 rows). Standard
 * input, of no known size, keeps V8's default.
 */
function holdYoungGeneration(files: readonly string[]): void {
  if (Number(process.versions.node.split('.')[0]) < 24) return;
  let bytes = 0;
  for (const file of files) {
    if (file === '-') continue;
    try {
      bytes += statSync(file).size;
    } catch {
      // A file that cannot be read is the reader's to report, with its own message.
    }
  }
  if (bytes > LARGE_INPUT_BYTES) (requireBuiltin('node:v8') as typeof v8).setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Writes a message, a warning or a progress line, dropping it if it cannot be written: a closed
 * pipe (EPIPE, `| head -1`), a closed descriptor (EBADF, `2>&-`) or a full disk (ENOSPC,
 * `2>/dev/full`) must never cost the push; the exit code still says what became of the data.
 * A file or device is written synchronously and throws; a pipe calls back with the error.
 */
function writeQuietly(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(text, () => {});
  } catch {
    // Dropped, as the comment above says.
  }
}

/** Resolves once the text is written; rejects with the write error (a closed pipe, a full disk). */
function writeStdout(chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error === undefined || error === null ? resolve() : reject(error)));
  });
}

/** Why stdout refused a write, if it did; the dry run's printer already tells that for any writer. */
function writeAllStdout(chunks: Iterable<string | Uint8Array>): Promise<string | undefined> {
  return printDryRun(chunks, writeStdout);
}

async function run(files: string[], options: CliOptions & SharedNameOptions, redactor: Redactor, passwordInGatewayOption: boolean, passwordInProxyOption: boolean): Promise<void> {
  const [{ CsvPushError }, { chooseDestination }, { Reporter, jsonSummary, stderrPaint }, { transportFromOptions }, { parseGroupingLabel }] = await Promise.all([
    import('./errors.js'),
    import('./destinations/choose.js'),
    import('./cli/output.js'),
    import('./cli/connection.js'),
    import('./transport/gateway-url.js'),
  ]);
  const reporter = new Reporter({
    quiet: options.quiet === true,
    verbose: options.verbose === true,
    env: process.env,
    cwd: process.cwd(),
    writeErr: (text) => writeQuietly(process.stderr, text),
    redactor,
    paint: await stderrPaint(process.env, process.stderr.isTTY),
  });
  const readBackNotes: string[] = [];
  const destination =
    options.textfile !== undefined ? ('textfile' as const) : options.remoteWrite !== undefined ? ('remote-write' as const) : options.openmetrics !== undefined ? ('openmetrics' as const) : ('push' as const);
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
  commandLineSecretWarnings(options.httpHeaders, passwordInGatewayOption && options.remoteWrite === undefined, passwordInProxyOption).forEach((text) => reporter.alwaysWarn(text));
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
    // A textfile or an OpenMetrics file is written, not sent: it takes no connection options (usage.ts refuses them).
    const transport =
      options.textfile === undefined && options.openmetrics === undefined
        ? await transportFromOptions(options, options.httpHeaders, remote ? {} : process.env, reporter, remote ? 'receiver' : 'gateway', process.env)
        : { timeoutMs: options.timeout * 1000, retries: options.retries };
    redactor.add(transport.bearerToken);
    if (transport.credentials !== undefined) redactor.addBasic(transport.credentials.username, transport.credentials.password);
    const pushOptions = toPushOptions(files, options, parseGroupingLabel, process.stdin, {
      ...transport,
      onAttempt: (event) => {
        if (event.readBack !== undefined) readBackNotes.push(event.readBack);
        transport.onAttempt?.(event);
      },
    });
    const onProgress = progress === undefined ? {} : { onProgress: (read: ReadProgress) => progress.update(read) };
    const chosen = await chooseDestination(options);
    const started = await chosen
      .start({
        options: { ...pushOptions, ...onProgress, groupingLabels: pushOptions.groupingLabels as GroupingLabel[] },
        textfile: options.textfile,
        openmetrics: options.openmetrics,
        fileMode: options.fileMode,
        remoteWrite: options.remoteWrite,
        timestampColumn: options.timestampColumn,
        batchSize: options.batchSize,
        dryRun: options.dryRun === true,
        delete: options.delete === true,
      })
      .finally(() => progress?.stop());
    report = started.report;
    if (!options.delete) reporter.rowWarnings(report);
    if (options.dryRun && started.dryRunChunks !== undefined) {
      const problem = await printDryRun(started.dryRunChunks(), writeStdout);
      if (problem !== undefined) {
        const file = options.textfile === undefined ? (options.openmetrics === undefined ? undefined : "the OpenMetrics file's text") : "the textfile's text";
        reporter.error(`could not write ${file ?? 'the exposition text'} to standard output (${problem}); nothing was ${file === undefined ? 'sent' : 'written'}`);
        process.exitCode = 1;
        return;
      }
    } else if (started.send !== undefined) {
      warnedRows = true;
      report = await started.send();
    }
    reporter.summary(report);
    reporter.pushStepSummary(report);
    process.exitCode = 0;
    await printJson(report, undefined);
  } catch (error) {
    if (!(error instanceof CsvPushError)) {
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
