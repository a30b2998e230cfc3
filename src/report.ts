import type { DuplicateRow, SkippedRow } from './metrics/row-mapper.js';
import type { GroupingLabel } from './push/gateway-url.js';

/** What a run did, for the summary line, `--json`, and library callers. */
export interface RunReport {
  readonly action: 'push' | 'dry-run' | 'delete';
  readonly files: readonly string[];
  /** The gateway's address without credentials. */
  readonly gateway: string;
  readonly job: string;
  readonly groupingLabels: readonly GroupingLabel[];
  readonly method: 'PUT' | 'POST' | 'DELETE';
  readonly rowsRead: number;
  /** Series in the body; they count as pushed only when `pushed` is true. */
  readonly series: number;
  readonly metrics: readonly string[];
  readonly skipped: readonly SkippedRow[];
  readonly duplicates: readonly DuplicateRow[];
  /** Warnings that are not about one row. */
  readonly warnings: readonly string[];
  /** True only when the gateway answered 200 or 202. */
  readonly pushed: boolean;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly durationMs: number;
}
