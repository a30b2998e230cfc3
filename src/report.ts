import type { CellSkipReason, ChosenValueColumns, DuplicateRow, SkippedCell, SkipReason, SkippedRow } from './metrics/row-findings.js';

/** One label of a grouping key (or, for the destinations without one, a label on every series). */
export interface GroupingLabel {
  readonly name: string;
  readonly value: string;
}

/** What a run did, for the summary line, `--json`, and library callers. */
export interface RunReport {
  /** `textfile` and `remote-write` name the destination; `push`, `dry-run` and `delete` are the gateway's (a dry run of the others sets `textfile` or `remoteWrite`). */
  readonly action: 'push' | 'dry-run' | 'delete' | 'textfile' | 'remote-write' | 'openmetrics';
  readonly files: readonly string[];
  /** The gateway's address without credentials; undefined for the other destinations. */
  readonly gateway: string | undefined;
  /** The `.prom` file written (or that a dry run would write). */
  readonly textfile?: string;
  /** The remote-write receiver's URL without credentials. */
  readonly remoteWrite?: string;
  /** The OpenMetrics file written (or that a dry run would write), for promtool's backfill. */
  readonly openmetrics?: string;
  /** The column holding each row's time (remote write, --openmetrics); a repeat is then the same labels at the same time. */
  readonly timestampColumn?: string;
  /** Undefined for a dry run without a job, and for a textfile or remote write given no `--job`. */
  readonly job: string | undefined;
  /** The grouping key's labels for the gateway; the labels put on every series for the other destinations. */
  readonly groupingLabels: readonly GroupingLabel[];
  /** The gateway's HTTP method; undefined for the other destinations. */
  readonly method: 'PUT' | 'POST' | 'DELETE' | undefined;
  readonly rowsRead: number;
  /** Series (distinct label sets, metric name included); they count as pushed only when `pushed` is true. */
  readonly series: number;
  /**
   * Samples: one per series and time, the earlier rows of a repeat left out. Equal to `series`
   * except with --timestamp-column, where a series may have a sample at many times.
   */
  readonly samples: number;
  readonly metrics: readonly string[];
  /** Every skipped row, counted. */
  readonly rowsSkipped: number;
  readonly skippedByReason: Readonly<Record<SkipReason, number>>;
  /** Skipped with --skip-empty-values: counted in rowsSkipped, never listed. */
  readonly rowsSkippedSilently: number;
  /** The first skipped rows (at most 100), with their lines; the rest are only counted. */
  readonly skipped: readonly SkippedRow[];
  /** What --value-columns numeric chose, file by file (empty without it). */
  readonly valueColumnsChosen: readonly ChosenValueColumns[];
  /** Value cells skipped in rows that were kept (with several value columns, a bad cell costs its sample, not the row). */
  readonly cellsSkipped: number;
  readonly cellsSkippedByReason: Readonly<Record<CellSkipReason, number>>;
  /** Skipped with --skip-empty-values: counted in cellsSkipped, never listed. */
  readonly cellsSkippedSilently: number;
  /** The first skipped cells (at most 100), with line and column; the rest are only counted. */
  readonly skippedCells: readonly SkippedCell[];
  /** Every row whose labels (and, with --timestamp-column, time) repeat an earlier row's, counted. */
  readonly duplicateRows: number;
  /** The first of them (at most 100), with their lines. */
  readonly duplicates: readonly DuplicateRow[];
  /** Warnings that are not about one row. */
  readonly warnings: readonly string[];
  /** Suggestions where the input suggests the options may not say what was meant. */
  readonly hints: readonly string[];
  /** True only when the destination took everything: the gateway answered 200 or 202, the textfile was renamed into place, every remote-write batch was accepted. */
  readonly pushed: boolean;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly durationMs: number;
  /** Delete: whether the gateway held the group; the gateway answers a DELETE alike either way, so it is read first. */
  readonly groupExisted?: boolean;
  /** Remote write: samples in the batches the receiver accepted (stored even when a later batch failed). */
  readonly samplesSent?: number;
  /** Remote write: batches the receiver accepted; for a dry run, the batches the rows would take. */
  readonly batches?: number;
}
