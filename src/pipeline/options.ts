import type { CsvDialectOptions } from '../csv/dialect.js';
import type { CsvSource } from '../csv/source.js';
import type { NumberFormat } from '../metrics/values.js';
import type { TimeFormat } from '../metrics/time-format.js';

// What every run reads, whatever its destination: the sources, the mapping of columns, the rules on skipped rows.

/** How far reading has got, handed to `onProgress` as the sources are read. */
export interface ReadProgress {
  readonly file: string;
  /** Data rows read so far, over every source. */
  readonly rowsRead: number;
  /** Bytes of this source read so far (compressed bytes, for a gzip file). */
  readonly bytesRead: number;
  /** The size of this source, when it is a regular file. */
  readonly totalBytes: number | undefined;
}

export interface CsvOptions extends TimeFormat {
  readonly sources: readonly CsvSource[];
  /**
   * Gauge name; by default each file's base name, cleaned. Required for streams, unless
   * `metricColumn` names the gauges, in which case it is a prefix.
   */
  readonly metric?: string;
  readonly description?: string;
  /** Columns holding sample values; each becomes gauge `<metric>_<column>`. Without any, every row's value is 1. */
  readonly valueColumns?: readonly string[];
  /**
   * Every column whose non-empty cells are all numbers in the first NUMERIC_SAMPLE_ROWS (1000) data
   * rows becomes a value column, besides `valueColumns`; the rest become labels. The choice is in
   * the report's `valueColumnsChosen`.
   */
  readonly numericValueColumns?: boolean;
  /** Only these columns become labels (default: every column with no other role). */
  readonly labelColumns?: readonly string[];
  readonly ignoreColumns?: readonly string[];
  /** Long format: this column's cell names each row's gauge. */
  readonly metricColumn?: string;
  /**
   * Names chosen for columns instead of their cleaned headers, for a label or a gauge:
   * `{ 'Total Discharges': 'discharges' }`, or `['Total Discharges=discharges']` as --rename takes them.
   */
  readonly renames?: readonly string[] | Readonly<Record<string, string>>;
  /** Column names for a file without a header row; its first line is then data. */
  readonly columns?: readonly string[];
  readonly dialect?: CsvDialectOptions;
  /** Fail, pushing nothing, when any row would be skipped or replaced by a later duplicate. */
  readonly strict?: boolean;
  /**
   * Fail, pushing nothing, when a file skips more rows than this: a count (`5`) or a share of its
   * rows (`'5%'`). Whatever is given, a file whose every data row is skipped fails, unless this is
   * `'100%'`: pushing it would empty the group.
   */
  readonly maxSkipped?: number | string;
  /** A row with fewer cells than the header has its missing trailing cells read as empty. */
  readonly allowShortRows?: boolean;
  /** A row whose value cell is empty is skipped without a warning, only counted. */
  readonly skipEmptyValues?: boolean;
  /** How value cells write numbers: `{ decimal: ',', thousands: '.', strip: '€' }` reads `1.234,5 €`. */
  readonly numberFormat?: NumberFormat;
  /** Called as the sources are read (about once per megabyte of a file), for a progress display. */
  readonly onProgress?: (progress: ReadProgress) => void;
}
