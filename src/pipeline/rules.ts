import { CsvPushError, usageError } from '../errors.js';
import { skipReasonCounts } from '../metrics/row-findings.js';
import type { RunReport } from '../report.js';
import type { CsvOptions } from './options.js';
import type { ReadRows } from './read-rows.js';

// The rules on skipped and repeated rows (--strict, --max-skipped, a file whose every row is
// skipped), in one place for every destination, so that they cannot drift apart.

/**
 * Checks the options of the rules before a row is read. Every destination reads all rows before
 * it sends (remote write and --openmetrics read them once more to send), so every rule holds for all.
 */
export function checkRuleOptions(options: CsvOptions): void {
  if (options.maxSkipped !== undefined) parseMaxSkipped(options.maxSkipped);
}

/**
 * Runs every rule once the rows are read, before the destination may send (for a streaming
 * destination, before its second reading sends a row).
 */
export function checkRows(options: CsvOptions, read: ReadRows, report: RunReport): void {
  checkStrict(options, report);
  checkSkippedRows(options, read, report);
}

function checkStrict(options: CsvOptions, report: RunReport): void {
  if (options.strict !== true) return;
  const problems = report.rowsSkipped + report.cellsSkipped + report.duplicateRows;
  if (problems === 0) return;
  const parts = [
    report.rowsSkipped > 0 ? `${report.rowsSkipped} row(s) would be skipped` : undefined,
    report.cellsSkipped > 0 ? `${report.cellsSkipped} value cell(s) would be skipped` : undefined,
    report.duplicateRows > 0 ? `${report.duplicateRows} row(s) repeat an earlier row's labels` : undefined,
  ].filter(Boolean);
  throw new CsvPushError('STRICT', `--strict: ${parts.join(' and ')}; nothing was ${verbsOf(report).done}. Fix the rows listed above, or drop --strict`, { report });
}

/** `--max-skipped` as a bound: a count of rows, or a share of a file's rows. */
export type SkipBound = { readonly rows: number } | { readonly percent: number };

export function parseMaxSkipped(given: number | string): SkipBound {
  const text = String(given).trim();
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  const number = match === null ? Number.NaN : Number(match[1]);
  if (match === null || (match[2] === '%' ? number > 100 : !Number.isInteger(number))) {
    throw usageError(`--max-skipped must be a whole number of rows or a percentage up to 100% (e.g. 10 or 5%), not "${text}"`);
  }
  return match[2] === '%' ? { percent: number } : { rows: number };
}

/**
 * Never clears a group by accident: a file that has data rows and skips every one of them fails,
 * unless --max-skipped is 100%; and no file may skip more rows than --max-skipped allows.
 */
function checkSkippedRows(options: CsvOptions, collected: ReadRows, report: RunReport): void {
  const bound = options.maxSkipped === undefined ? undefined : parseMaxSkipped(options.maxSkipped);
  const allAllowed = bound !== undefined && 'percent' in bound && bound.percent === 100;
  // Counts by reason are over every file; with one file they are that file's.
  const reasons = collected.files.length === 1 ? ` (${skipReasonCounts(report.skippedByReason)})` : '';
  for (const { file, rowsRead, rowsSkipped, cellsSkipped, valueCells } of collected.files) {
    if (rowsSkipped === 0 && cellsSkipped === 0) continue;
    if (rowsSkipped === rowsRead && !allAllowed) {
      throw new CsvPushError(
        'SKIPPED_ROWS',
        `${file}: ${rowsRead === 1 ? 'its one data row was' : `all ${rowsRead} data rows were`} skipped${reasons}, and ${emptied(report, collected.files.length)}; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to ${verbsOf(report).act} anyway`,
        { report },
      );
    }
    // Skipped rows and skipped value cells (of kept rows) are each held to the bound: a count
    // bounds each, a share is of the file's rows and of its value cells (rows × value columns).
    if (bound === undefined) continue;
    const checks = [
      { skipped: rowsSkipped, total: rowsRead, what: 'data rows' },
      { skipped: cellsSkipped, total: valueCells, what: 'value cells' },
    ];
    for (const { skipped, total, what } of checks) {
      const limit = 'rows' in bound ? bound.rows : (total * bound.percent) / 100;
      if (skipped <= limit) continue;
      const share = `${((skipped / total) * 100).toFixed(1).replace(/\.0$/, '')}%`;
      throw new CsvPushError(
        'SKIPPED_ROWS',
        `${file}: ${skipped} of its ${total} ${what} skipped (${share}), more than --max-skipped ${String(options.maxSkipped).trim()} allows; nothing was sent. Fix the ${what === 'data rows' ? 'rows' : 'cells'} listed above, or raise --max-skipped`,
        { report },
      );
    }
  }
}

/** What sending a file whose rows were all skipped would do, for the message that refuses it. */
/** What the destination does with the rows, in the messages' words: a file is written, remote write sends, the gateway is pushed to. */
function verbsOf(report: RunReport): { readonly done: string; readonly act: string } {
  if (report.textfile !== undefined || report.openmetrics !== undefined) return { done: 'written', act: 'write it' };
  return report.remoteWrite !== undefined ? { done: 'sent', act: 'send' } : { done: 'pushed', act: 'push' };
}

function emptied(report: RunReport, files: number): string {
  if (report.textfile !== undefined) return files === 1 ? 'writing no series would empty the textfile' : "the textfile would lose this file's series";
  if (report.remoteWrite !== undefined) return 'there is nothing to send';
  if (report.openmetrics !== undefined) return 'there is nothing to write';
  if (report.method === 'POST') return 'there is nothing left to push';
  return files === 1 ? 'a PUT of no series would empty the group' : "a PUT would drop this file's series from the group";
}

