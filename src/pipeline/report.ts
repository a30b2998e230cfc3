import { RowFindings } from '../metrics/row-findings.js';
import type { RunReport } from '../report.js';
import type { ReadRows } from './read-rows.js';

/** The part of a report that tells what reading the rows found. */
export function rowsReport(
  read: ReadRows | undefined,
): Pick<
  RunReport,
  | 'rowsRead' | 'rowsSkipped' | 'skippedByReason' | 'rowsSkippedSilently' | 'skipped' | 'duplicateRows' | 'duplicates' | 'warnings' | 'hints'
  | 'cellsSkipped' | 'cellsSkippedByReason' | 'cellsSkippedSilently' | 'skippedCells' | 'valueColumnsChosen'
> {
  const none = new RowFindings();
  return {
    valueColumnsChosen: read?.valueColumnsChosen ?? [],
    cellsSkipped: read?.findings.cellsSkipped ?? 0,
    cellsSkippedByReason: { ...(read?.findings.cellsSkippedByReason ?? none.cellsSkippedByReason) },
    cellsSkippedSilently: read?.findings.cellsSkippedSilently ?? 0,
    skippedCells: read?.findings.skippedCells ?? [],
    rowsRead: read?.findings.rowsRead ?? 0,
    rowsSkipped: read?.findings.rowsSkipped ?? 0,
    skippedByReason: { ...(read?.findings.skippedByReason ?? none.skippedByReason) },
    rowsSkippedSilently: read?.findings.rowsSkippedSilently ?? 0,
    skipped: read?.findings.skipped ?? [],
    duplicateRows: read?.findings.duplicateRows ?? 0,
    duplicates: read?.findings.duplicates ?? [],
    warnings: read?.warnings ?? [],
    hints: read?.hints ?? [],
  };
}


/** What a destination says landed, once it has sent (or failed to). */
export interface Landed {
  readonly pushed: boolean;
  readonly status: number | undefined;
  readonly attempts: number;
}

/** The report once the destination is done: what landed, and how long the whole run took. */
export function landedReport(report: RunReport, action: RunReport['action'], landed: Landed, started: number): RunReport {
  return { ...report, action, ...landed, durationMs: Math.round(Date.now() - started) };
}
