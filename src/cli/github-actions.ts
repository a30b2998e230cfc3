import type * as fs from 'node:fs';
import { requireBuiltin } from '../node-builtins.js';
import { isAbsolute, relative, resolve } from 'node:path';
import { skipReasonCounts } from '../metrics/row-findings.js';
import type { PruneReport, RunReport } from '../index.js';

// Not imported: an import of node:fs reads its lazy parts (fs.promises, its streams) at once (node-builtins.ts).
const { appendFileSync, existsSync } = requireBuiltin('node:fs') as typeof fs;

// GitHub Actions reads workflow commands (`::warning file=...::`) from a step's output, stderr
// included, and renders $GITHUB_STEP_SUMMARY's Markdown on the run's page. @actions/core writes
// its commands to stdout only, where --json and --dry-run put their data, so these few lines of
// escaping live here.

export interface AnnotationPlace {
  readonly file: string;
  readonly line: number;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export class GithubActions {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
  ) {}

  get annotates(): boolean {
    return this.env.GITHUB_ACTIONS === 'true';
  }

  /** `::warning file=data.csv,line=5::message`, the file relative to the repository so GitHub can link it. */
  annotation(kind: 'warning' | 'error', message: string, place?: AnnotationPlace): string {
    const file = place === undefined ? undefined : this.repositoryPath(place.file);
    const properties = file === undefined || place === undefined ? '' : ` file=${escapeProperty(file)},line=${place.line}`;
    return `::${kind}${properties}::${escapeData(message)}\n`;
  }

  private repositoryPath(file: string): string | undefined {
    const absolute = resolve(this.cwd, file);
    if (!existsSync(absolute)) return undefined; // standard input, or a file gone meanwhile
    const workspace = this.env.GITHUB_WORKSPACE;
    if (workspace === undefined || workspace === '') return file;
    const inside = relative(workspace, absolute);
    return inside.startsWith('..') || isAbsolute(inside) ? file : inside;
  }

  /** Appends to $GITHUB_STEP_SUMMARY when it names a file; returns a problem to warn about, if any. */
  appendStepSummary(markdown: string): string | undefined {
    const path = this.env.GITHUB_STEP_SUMMARY;
    if (path === undefined || path === '') return undefined;
    try {
      appendFileSync(path, markdown);
      return undefined;
    } catch (error) {
      return `cannot append the step summary to GITHUB_STEP_SUMMARY (${path}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }
}

/** A table cell: CSV values may hold `|`, newlines or HTML, none of which may reshape the table. */
function cell(text: string | number): string {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n|\r/g, ' ');
}

function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly (string | number)[])[]): string {
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${align.map((side) => (side === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

const FIRST_LINES_SHOWN = 5;

export function pushStepSummary(report: RunReport, failure: string | undefined, took: (ms: number) => string): string {
  const group = [`job="${report.job}"`, ...report.groupingLabels.map((label) => `${label.name}="${label.value}"`)].join(', ');
  const outcome =
    failure !== undefined
      ? '❌ push failed'
      : report.action === 'dry-run'
        ? '🔍 dry run, nothing sent'
        : report.action === 'delete'
          ? '✅ group deleted'
          : report.action === 'textfile'
            ? '✅ textfile written'
            : report.action === 'remote-write'
              ? '✅ sent by remote write'
              : report.action === 'openmetrics'
                ? '✅ OpenMetrics file written'
                : '✅ pushed';
  const destination = report.textfile ?? report.remoteWrite ?? report.openmetrics ?? `${report.gateway} {${group}} (${report.method})`;
  const facts: (readonly (string | number)[])[] = [
    ['destination', destination],
    ...(report.action === 'delete' ? [] : [
      ['files', report.files.join(', ')],
      ['rows read', report.rowsRead],
      ['series', report.series],
      ['skipped rows', report.rowsSkipped],
      ...(report.cellsSkipped > 0 ? [['skipped value cells', report.cellsSkipped]] : []),
      ['duplicate rows', report.duplicateRows],
    ]),
    ['duration', took(report.durationMs)],
    ...(failure === undefined ? [] : [['error', failure]]),
  ];
  const byReason = new Map<string, string[]>();
  for (const row of report.skipped) byReason.set(row.reason, [...(byReason.get(row.reason) ?? []), `${row.file}:${row.line}`]);
  const reasons = [...byReason].map(([reason, places]) => [
    reason,
    places.length,
    `${places.slice(0, FIRST_LINES_SHOWN).join(', ')}${places.length > FIRST_LINES_SHOWN ? ', …' : ''}`,
  ]);
  // Only the first rows are listed with their lines; those past them are counted by reason.
  const unlisted = { ...report.skippedByReason };
  for (const row of report.skipped) unlisted[row.kind]--;
  const unlistedCount = report.rowsSkipped - report.skipped.length;
  if (unlistedCount > 0) reasons.push(['more rows, not listed one by one', unlistedCount, skipReasonCounts(unlisted)]);
  return [
    `### csv-push: ${outcome}\n\n`,
    table(['', ''], ['l', 'l'], facts),
    reasons.length === 0 ? '' : `\n${table(['skipped because', 'rows', 'first lines'], ['l', 'r', 'l'], reasons)}`,
    '\n',
  ].join('');
}

export function pruneStepSummary(report: PruneReport, headline: string, groupText: (outcome: PruneReport['outcomes'][number]) => string): string {
  const failed = report.outcomes.some((outcome) => outcome.error !== undefined);
  const rows = report.outcomes.map((outcome) => [
    groupText(outcome),
    outcome.group.series,
    outcome.group.lastPushAt?.toISOString() ?? 'never',
    outcome.error !== undefined ? `failed: ${outcome.error.message}` : outcome.deleted ? 'deleted' : 'would be deleted',
  ]);
  return [
    `### csv-push prune: ${report.dryRun ? '🔍' : failed ? '❌' : '✅'} ${headline}\n\n`,
    rows.length === 0 ? '' : table(['group', 'series', 'last push', 'result'], ['l', 'r', 'l', 'l'], rows),
    '\n',
  ].join('');
}
