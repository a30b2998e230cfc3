import type { DuplicateRow, SkipReason, SkippedRow } from './metrics/row-findings.js';
import type { GroupingLabel } from './push/gateway-url.js';

/** What a run did, for the summary line, `--json`, and library callers. */
export interface RunReport {
  readonly action: 'push' | 'dry-run' | 'delete';
  readonly files: readonly string[];
  /** The gateway's address without credentials. */
  readonly gateway: string;
  /** Undefined only for a dry run without a job, which renders the body and names no group. */
  readonly job: string | undefined;
  readonly groupingLabels: readonly GroupingLabel[];
  readonly method: 'PUT' | 'POST' | 'DELETE';
  readonly rowsRead: number;
  /** Series in the body; they count as pushed only when `pushed` is true. */
  readonly series: number;
  readonly metrics: readonly string[];
  /** Every skipped row, counted. */
  readonly rowsSkipped: number;
  readonly skippedByReason: Readonly<Record<SkipReason, number>>;
  /** Skipped with --skip-empty-values: counted in rowsSkipped, never listed. */
  readonly rowsSkippedSilently: number;
  /** The first skipped rows (at most 100), with their lines; the rest are only counted. */
  readonly skipped: readonly SkippedRow[];
  /** Every row whose labels repeat an earlier row's, counted. */
  readonly duplicateRows: number;
  /** The first of them (at most 100), with their lines. */
  readonly duplicates: readonly DuplicateRow[];
  /** Warnings that are not about one row. */
  readonly warnings: readonly string[];
  /** Suggestions where the input suggests the options may not say what was meant. */
  readonly hints: readonly string[];
  /** True only when the gateway answered 200 or 202. */
  readonly pushed: boolean;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly durationMs: number;
}
