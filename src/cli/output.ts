import type { AttemptEvent, RunReport } from '../index.js';
// A plain text function of the core, imported on its own: this module loads before the library.
import { cellSkipReasonCounts, skipReasonCounts } from '../metrics/row-findings.js';
import { GithubActions, pushStepSummary, type AnnotationPlace } from './github-actions.js';
import type { Redactor } from './redact.js';

/** Row warnings printed before the rest are only counted; --verbose or --json shows them all. */
const ROW_WARNINGS_SHOWN = 20;

export interface OutputSettings {
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly writeErr: (text: string) => void;
  /** Where relative file names start, for the file names of GitHub annotations. */
  readonly cwd?: string;
  /** Every line goes through it: no secret reaches stderr, whatever produced the text. */
  readonly redactor: Redactor;
  /** The colours of the messages: stderrPaint's answer. */
  readonly paint: Paint;
}

/** The colours the messages use. */
export type Paint = Record<'yellow' | 'red' | 'dim' | 'cyan' | 'green', (text: string) => string>;

const plainText = (text: string): string => text;
const NO_COLOUR: Paint = { yellow: plainText, red: plainText, dim: plainText, cyan: plainText, green: plainText };

/**
 * chalk's colours for stderr, or plain text. chalk is loaded only when stderr may show colour (a
 * terminal, or FORCE_COLOR set): anywhere else chalk paints nothing, and loading it (its
 * node:process, node:tty and node:os imports) is a measurable part of a cron job's push on
 * Node.js 22 and 24 (docs/performance.md). chalk 5 honours FORCE_COLOR but not NO_COLOR;
 * https://no-color.org asks for both.
 */
export async function stderrPaint(env: NodeJS.ProcessEnv, stderrIsTerminal: boolean): Promise<Paint> {
  const forced = env.FORCE_COLOR !== undefined;
  if (!forced && (!stderrIsTerminal || (env.NO_COLOR !== undefined && env.NO_COLOR !== ''))) return NO_COLOUR;
  return (await import('chalk')).chalkStderr;
}

/** Everything the CLI tells a person, on stderr. */
export class Reporter {
  private readonly chalk: Paint;
  private readonly github: GithubActions;

  private readonly settings: OutputSettings;

  constructor(settings: OutputSettings) {
    this.chalk = settings.paint;
    this.github = new GithubActions(settings.env, settings.cwd ?? '.');
    this.settings = { ...settings, writeErr: (text) => settings.writeErr(settings.redactor.redact(text)) };
  }

  /** In a GitHub Actions step, each warning and error is also an annotation on the run. */
  warning(text: string, place?: AnnotationPlace): void {
    if (!this.settings.quiet) this.alwaysWarn(text, place);
  }

  /** A warning -q does not hide: about risks the user must know of on every run. */
  alwaysWarn(text: string, place?: AnnotationPlace): void {
    this.settings.writeErr(`${this.chalk.yellow('warning:')} ${text}\n`);
    if (this.github.annotates) this.settings.writeErr(this.github.annotation('warning', text, place));
  }

  error(text: string): void {
    this.settings.writeErr(`${this.chalk.red('error:')} ${text}\n`);
    if (this.github.annotates) this.settings.writeErr(this.github.annotation('error', text));
  }

  /** Appends the run's Markdown summary to $GITHUB_STEP_SUMMARY, when that names a file. */
  stepSummary(markdown: string): void {
    const problem = this.github.appendStepSummary(this.settings.redactor.redact(markdown));
    if (problem !== undefined) this.warning(problem);
  }

  pushStepSummary(report: RunReport | undefined, failure?: string): void {
    this.stepSummary(
      report === undefined ? `### csv-push: ❌ failed\n\n${failure ?? ''}\n\n` : pushStepSummary(report, failure, formatDuration),
    );
  }

  detail(text: string): void {
    if (this.settings.verbose) this.settings.writeErr(`${this.chalk.dim(text)}\n`);
  }

  attempt(event: AttemptEvent): void {
    if (event.readBack !== undefined) this.warning(event.readBack);
    if (!this.settings.verbose && event.retryInMs === undefined) return;
    const took = formatDuration(event.elapsedMs);
    if (event.retryInMs !== undefined) {
      this.warning(`attempt ${event.attempt}/${event.attempts} failed after ${took}: ${event.problem}; retrying in ${formatDuration(event.retryInMs)}`);
    } else {
      this.detail(`attempt ${event.attempt}/${event.attempts}: ${event.method} ${event.url}: ${event.problem ?? `HTTP ${event.status}`} (${took})`);
    }
  }

  /** A suggestion, when the input hints that the options may not say what was meant. */
  hint(text: string): void {
    if (this.settings.quiet) return;
    this.settings.writeErr(`${this.chalk.cyan('hint:')} ${text}\n`);
  }

  rowWarnings(report: RunReport): void {
    // What --value-columns numeric chose is worth a look before a real run, and on request.
    if (!this.settings.quiet && (this.settings.verbose || report.action === 'dry-run')) {
      for (const chosen of report.valueColumnsChosen) {
        const columns = chosen.columns.length === 0 ? 'none' : chosen.columns.map((column) => JSON.stringify(column)).join(', ');
        this.settings.writeErr(`${this.chalk.cyan('value columns:')} ${chosen.file}: ${columns} (all numbers in its first ${plural(chosen.sampleRows, 'data row')}); the other columns are labels\n`);
      }
    }
    report.warnings.forEach((text) => this.warning(text));
    const rowLines = [
      ...report.skipped.map((row) => ({ ...row, text: `${row.file}:${row.line}: ${row.reason}; row skipped` })),
      ...report.skippedCells.map((cell) => ({ ...cell, text: `${cell.file}:${cell.line}: ${cell.reason}; this sample skipped, the row's other values kept` })),
      ...report.duplicates.map((row) => ({
        ...row,
        text: `${row.file}:${row.line}: same labels ${report.timestampColumn === undefined ? '' : 'and time '}as ${row.replacedFile === row.file ? '' : `${row.replacedFile} `}line ${row.replacedLine}; this row's value replaces it`,
      })),
    ].sort((a, b) => report.files.indexOf(a.file) - report.files.indexOf(b.file) || a.line - b.line);
    const limit = this.settings.verbose ? Number.POSITIVE_INFINITY : ROW_WARNINGS_SHOWN;
    const shown = rowLines.slice(0, limit);
    shown.forEach((row) => this.warning(row.text, row));
    // Only the first rows of each kind are listed in the report; the rest are counted.
    const warned = report.rowsSkipped - report.rowsSkippedSilently + report.cellsSkipped - report.cellsSkippedSilently + report.duplicateRows;
    if (warned > shown.length) {
      const more = [
        `${warned - shown.length} more row warnings not shown`,
        report.rowsSkipped > 0 ? `rows skipped: ${skipReasonCounts(report.skippedByReason)}` : undefined,
        report.cellsSkipped > 0 ? `value cells skipped: ${cellSkipReasonCounts(report.cellsSkippedByReason)}` : undefined,
      ].filter(Boolean);
      const listed = report.skipped.length + report.skippedCells.length + report.duplicates.length;
      const where = this.settings.verbose || listed === shown.length ? '--json has the counts by reason' : '--verbose or --json lists the first of each kind, with counts by reason';
      this.warning(`${more.join('; ')} (${where})`);
    }
    report.hints.forEach((text) => this.hint(text));
  }

  summary(report: RunReport): void {
    if (this.settings.quiet) return;
    const c = this.chalk;
    const group = [`job="${report.job}"`, ...report.groupingLabels.map((label) => `${label.name}="${label.value}"`)].join(', ');
    const skipped =
      (report.rowsSkipped > 0 ? c.yellow(`, ${plural(report.rowsSkipped, 'row')} skipped`) : '') +
      (report.cellsSkipped > 0 ? c.yellow(`, ${plural(report.cellsSkipped, 'value cell')} skipped`) : '');
    const duplicates = report.duplicateRows > 0 ? c.yellow(`, ${plural(report.duplicateRows, 'duplicate')}`) : '';
    const took = `in ${formatDuration(report.durationMs)}`;
    const rows = `${plural(report.series, 'series', 'series')} from ${plural(report.rowsRead, 'row')}`;
    // With times, a series may hold many samples: both are told.
    const timed = `${report.samples === report.series ? '' : `${plural(report.samples, 'sample')} of `}${rows}`;
    const withLabels = everySeriesLabels(report);
    switch (report.action) {
      case 'textfile':
        this.settings.writeErr(`${c.green('✔')} wrote ${rows}${skipped}${duplicates} to ${report.textfile}${withLabels} ${took}\n`);
        return;
      case 'remote-write':
        this.settings.writeErr(
          `${c.green('✔')} sent ${timed}${skipped}${duplicates} in ${plural(report.batches ?? 0, 'batch', 'batches')} to ${report.remoteWrite}${withLabels} ${took}\n`,
        );
        return;
      case 'openmetrics':
        this.settings.writeErr(`${c.green('✔')} wrote ${timed}${skipped}${duplicates} to ${report.openmetrics}${withLabels} ${took}\n`);
        return;
      case 'delete':
        this.settings.writeErr(
          report.groupExisted === false
            ? `nothing to delete: no group {${group}} at ${report.gateway}\n`
            : `${c.green('✔')} deleted group {${group}} at ${report.gateway} ${took}\n`,
        );
        return;
      case 'dry-run': {
        if (report.remoteWrite !== undefined) {
          this.settings.writeErr(
            `${c.cyan('dry run:')} ${timed}${skipped}${duplicates} would go in ${plural(report.batches ?? 0, 'batch', 'batches')} to ${report.remoteWrite}${withLabels}; nothing was sent\n`,
          );
          return;
        }
        if (report.openmetrics !== undefined) {
          this.settings.writeErr(`${c.cyan('dry run:')} ${timed}${skipped}${duplicates} would be written to ${report.openmetrics}${withLabels}; nothing was written\n`);
          return;
        }
        if (report.textfile !== undefined) {
          this.settings.writeErr(`${c.cyan('dry run:')} ${rows}${skipped}${duplicates} would be written to ${report.textfile}${withLabels}; nothing was written\n`);
          return;
        }
        // Without a job there is no group, so no destination to name: the body is all there is.
        const destination = report.job === undefined ? '' : ` would go to ${report.gateway} as {${group}} (${report.method})`;
        this.settings.writeErr(
          `${c.cyan('dry run:')} ${plural(report.series, 'series', 'series')} from ${plural(report.rowsRead, 'row')}${skipped}${duplicates}${destination}; nothing was sent\n`,
        );
        return;
      }
      case 'push':
        this.settings.writeErr(
          `${c.green('✔')} pushed ${plural(report.series, 'series', 'series')} from ${plural(report.rowsRead, 'row')}${skipped}${duplicates} to ${report.gateway} as {${group}} (${report.method}) ${took}\n`,
        );
    }
  }
}

/** ` with {job="x", env="y"}`: the labels a textfile or remote write puts on every series (an empty one is no label). */
function everySeriesLabels(report: RunReport): string {
  const labels = [...(report.job === undefined ? [] : [{ name: 'job', value: report.job }]), ...report.groupingLabels].filter((label) => label.value !== '');
  return labels.length === 0 ? '' : ` with {${labels.map((label) => `${label.name}="${label.value}"`).join(', ')}}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${groupThousands(count)} ${count === 1 ? singular : pluralForm}`;
}

/** 1234567 -> "1,234,567", without toLocaleString, whose first call loads ICU data (several ms). */
function groupThousands(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export interface JsonRun {
  /** What the command line asked for: the report may not exist yet, or still say dry-run before sending. */
  readonly action: RunReport['action'];
  /** Run warnings that are not in the report, such as a push confirmed by reading it back. */
  readonly warnings: readonly string[];
  readonly redactor: Redactor;
}

export interface JsonError {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
}

/** The `--json` object: stable field names, every row finding, every string redacted. */
export function jsonSummary(run: JsonRun, report: RunReport | undefined, error: JsonError | undefined): string {
  return `${run.redactor.json({
    ok: error === undefined,
    action: run.action,
    gateway: report?.gateway,
    textfile: report?.textfile,
    remoteWrite: report?.remoteWrite,
    openmetrics: report?.openmetrics,
    job: report?.job,
    groupingLabels: report === undefined ? undefined : Object.fromEntries(report.groupingLabels.map((label) => [label.name, label.value])),
    method: report?.method,
    files: report?.files,
    metrics: report?.metrics,
    rowsRead: report?.rowsRead,
    seriesPushed: seriesStored(report),
    series: report?.series,
    samplesPushed: samplesStored(report),
    samples: report?.samples,
    rowsSkipped: report?.rowsSkipped,
    skippedByReason: report?.skippedByReason,
    skipped: report?.skipped,
    // Only the first rows are listed with their lines; this many more are only counted.
    skippedNotListed: report === undefined ? undefined : report.rowsSkipped - report.skipped.length,
    valueColumnsChosen: report === undefined || report.valueColumnsChosen.length === 0 ? undefined : report.valueColumnsChosen,
    cellsSkipped: report?.cellsSkipped,
    cellsSkippedByReason: report?.cellsSkippedByReason,
    skippedCells: report?.skippedCells,
    skippedCellsNotListed: report === undefined ? undefined : report.cellsSkipped - report.skippedCells.length,
    duplicateRows: report?.duplicateRows,
    duplicates: report?.duplicates,
    duplicatesNotListed: report === undefined ? undefined : report.duplicateRows - report.duplicates.length,
    warnings: report === undefined && run.warnings.length === 0 ? undefined : [...(report?.warnings ?? []), ...run.warnings],
    hints: report?.hints,
    status: report?.status,
    attempts: report?.attempts,
    batches: report?.batches,
    groupExisted: report?.groupExisted,
    durationMs: report?.durationMs,
    error,
  })}\n`;
}

/**
 * Series the destination holds after the run: remote write stores batches even when a later one
 * fails. Of such a run, with times, only the samples stored are known, not of how many series:
 * then undefined (left out of the JSON), and samplesPushed tells.
 */
function seriesStored(report: RunReport | undefined): number | undefined {
  if (report === undefined) return 0;
  if (report.action === 'remote-write' && !report.pushed) return report.samples === report.series ? (report.samplesSent ?? 0) : undefined;
  return report.pushed && report.action !== 'dry-run' && report.action !== 'delete' ? report.series : 0;
}

/** Samples the destination holds after the run (one per series, but with --timestamp-column); undefined before any row is read. */
function samplesStored(report: RunReport | undefined): number | undefined {
  if (report === undefined) return undefined;
  if (report.action === 'remote-write') return report.samplesSent ?? 0;
  return report.pushed && report.action !== 'dry-run' && report.action !== 'delete' ? report.samples : 0;
}
