/** Why a row was skipped, as a stable code for `--json` and library callers. */
export type SkipReason = 'wrongColumnCount' | 'notANumber' | 'emptyValue' | 'noMetricName' | 'reservedMetricName' | 'notATime';

export const SKIP_REASONS: readonly SkipReason[] = ['wrongColumnCount', 'notANumber', 'emptyValue', 'noMetricName', 'reservedMetricName', 'notATime'];

export interface SkippedRow {
  readonly file: string;
  readonly line: number;
  readonly kind: SkipReason;
  readonly reason: string;
}

/** Why one value cell of a kept row was skipped: the row's other value columns still give samples. */
export type CellSkipReason = 'notANumber' | 'emptyValue';

export const CELL_SKIP_REASONS: readonly CellSkipReason[] = ['notANumber', 'emptyValue'];

export interface SkippedCell {
  readonly file: string;
  readonly line: number;
  /** 1-based, as the message says it. */
  readonly column: number;
  /** The column's header as written. */
  readonly header: string;
  readonly kind: CellSkipReason;
  readonly reason: string;
}

/** The choice `--value-columns numeric` made for one file, for --verbose, --dry-run and --json. */
export interface ChosenValueColumns {
  readonly file: string;
  /** Header cells as written, in column order. */
  readonly columns: readonly string[];
  /** Data rows the choice was made on. */
  readonly sampleRows: number;
}

export interface DuplicateRow {
  readonly file: string;
  readonly line: number;
  /** The earlier row whose sample this row replaced. */
  readonly replacedFile: string;
  readonly replacedLine: number;
}

/**
 * Rows listed with their lines, of each kind (skipped, duplicates). Beyond these, rows are only
 * counted: a file of a million rows that are nearly all skipped must cost the memory of the rows
 * kept, not of the rows thrown away.
 */
export const ROWS_LISTED = 100;

/**
 * What reading the rows found that the user should hear about; it travels as data to the
 * reporter. Lists hold the first ROWS_LISTED rows of each kind; the counts hold all of them.
 */
export class RowFindings {
  rowsRead = 0;
  rowsSkipped = 0;
  /** Rows skipped by --skip-empty-values: counted, never listed or warned about. */
  rowsSkippedSilently = 0;
  duplicateRows = 0;
  readonly skipped: SkippedRow[] = [];
  readonly duplicates: DuplicateRow[] = [];
  readonly skippedByReason: Record<SkipReason, number> = { wrongColumnCount: 0, notANumber: 0, emptyValue: 0, noMetricName: 0, reservedMetricName: 0, notATime: 0 };
  /**
   * Value cells skipped in rows that were kept (a row with several value columns and at least one
   * good cell): each costs one sample, not the row. Cells of skipped rows are not counted here.
   */
  cellsSkipped = 0;
  /** Empty cells skipped by --skip-empty-values: counted in cellsSkipped, never listed. */
  cellsSkippedSilently = 0;
  readonly cellsSkippedByReason: Record<CellSkipReason, number> = { notANumber: 0, emptyValue: 0 };
  readonly skippedCells: SkippedCell[] = [];

  /** `describe` is called only for rows that are listed: the rest cost no message text. */
  skip(file: string, line: number, kind: SkipReason, describe: () => string, silently = false): void {
    this.rowsSkipped++;
    this.skippedByReason[kind]++;
    if (silently) this.rowsSkippedSilently++;
    else if (this.skipped.length < ROWS_LISTED) this.skipped.push({ file, line, kind, reason: describe() });
  }

  /** `describe` is called only for cells that are listed. */
  skipCell(cell: Omit<SkippedCell, 'reason'>, describe: () => string, silently = false): void {
    this.cellsSkipped++;
    this.cellsSkippedByReason[cell.kind]++;
    if (silently) this.cellsSkippedSilently++;
    else if (this.skippedCells.length < ROWS_LISTED) this.skippedCells.push({ ...cell, reason: describe() });
  }

  duplicate(row: DuplicateRow): void {
    this.duplicateRows++;
    if (this.duplicates.length < ROWS_LISTED) this.duplicates.push(row);
  }
}

const SKIP_REASON_TEXT: Readonly<Record<SkipReason, string>> = {
  wrongColumnCount: 'the wrong number of columns',
  notANumber: 'a value that is not a number',
  emptyValue: 'an empty value cell',
  noMetricName: 'no metric name',
  reservedMetricName: "a metric name the gateway keeps for its own series",
  notATime: 'a --timestamp-column cell that is not a time',
};

/** `4 empty, 2 not a number` */
export function cellSkipReasonCounts(byReason: Readonly<Record<CellSkipReason, number>>): string {
  const text: Readonly<Record<CellSkipReason, string>> = { emptyValue: 'empty', notANumber: 'not a number' };
  return CELL_SKIP_REASONS.filter((kind) => byReason[kind] > 0)
    .map((kind) => `${byReason[kind]} ${text[kind]}`)
    .join(', ');
}

/** `12 with an empty value cell, 3 with the wrong number of columns` */
export function skipReasonCounts(byReason: Readonly<Record<SkipReason, number>>): string {
  return SKIP_REASONS.filter((kind) => byReason[kind] > 0)
    .map((kind) => `${byReason[kind]} with ${SKIP_REASON_TEXT[kind]}`)
    .join(', ');
}
