import { transportFromOptions } from './connection.js';
import { FILE_NAMED_LIKE_A_COMMAND, type GroupCommandName, type GroupCommandOptions } from './group-commands.js';
import { pruneStepSummary } from './github-actions.js';
import { Reporter, plural, stderrPaint } from './output.js';
import type { Redactor } from './redact.js';

// Running `groups` and `prune` once the command line is parsed: loaded only then.

export interface CommandIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
  /** Hides secrets in what the commands print (the caller's writeErr redacts as well). */
  readonly redactor: Redactor;
  /** Whether stderr is a terminal, where messages may be in colour. */
  readonly stderrIsTerminal: boolean;
}

/** Runs `groups` or `prune` once the command line is parsed; returns the exit code. */
export async function runGroupCommand(command: GroupCommandName, options: GroupCommandOptions, httpHeaders: readonly string[], io: CommandIo): Promise<number> {
  if (command === 'prune' && options.olderThan === undefined) {
    const message = 'prune needs --older-than, e.g. --older-than 7d: it never deletes groups whatever their age';
    io.writeErr(`error: ${message}\n(run csv-push prune --help for usage; ${FILE_NAMED_LIKE_A_COMMAND})\n`);
    if (options.json) io.writeOut((await import('./group-output.js')).pruneJson(undefined, { code: 'USAGE', message, exitCode: 2 }, io.redactor));
    return 2;
  }
  return runChosen(command, options, httpHeaders, io);
}

async function runChosen(command: 'groups' | 'prune', options: GroupCommandOptions, httpHeaders: readonly string[], io: CommandIo): Promise<number> {
  const [library, output] = await Promise.all([import('../index.js'), import('./group-output.js')]);
  const reporter = new Reporter({ quiet: options.quiet === true, verbose: options.verbose === true, env: io.env, cwd: io.cwd, writeErr: io.writeErr, redactor: io.redactor, paint: await stderrPaint(io.env, io.stderrIsTerminal) });
  const printJson = (text: string): void => {
    if (options.json) io.writeOut(text);
  };
  try {
    const filter = {
      gateway: options.gateway,
      job: options.job,
      labels: (options.label ?? []).map(library.parseGroupingLabel),
      olderThanMs: options.olderThan === undefined ? undefined : library.parseDuration(options.olderThan, '--older-than'),
      transport: await transportFromOptions(options, httpHeaders, io.env, reporter),
    };
    if (command === 'groups') {
      const report = await library.listGroups(filter);
      printJson(output.groupsJson(report, undefined, io.redactor));
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
    printJson(output.pruneJson(report, undefined, io.redactor));
    return failed ? 1 : 0;
  } catch (error) {
    if (!(error instanceof library.CsvPushError)) throw error;
    reporter.error(error.message);
    if (options.verbose && error.stack !== undefined) reporter.detail(error.stack);
    const summary = { code: error.code, message: error.message, exitCode: error.exitCode };
    printJson(command === 'groups' ? output.groupsJson(undefined, summary, io.redactor) : output.pruneJson(undefined, summary, io.redactor));
    return error.exitCode;
  }
}
