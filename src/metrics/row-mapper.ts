import { inputError } from '../errors.js';
import { findColumn, type Header } from '../csv/header.js';
import type { CsvRecord } from '../csv/read-records.js';
import type { GaugeFamily, SeriesSet } from './series-set.js';
import { parseSampleValue } from './values.js';

export interface SkippedRow {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface DuplicateRow {
  readonly file: string;
  readonly line: number;
  /** The earlier row whose sample this row replaced. */
  readonly replacedFile: string;
  readonly replacedLine: number;
}

export interface MappingOptions {
  /** The gauge name, already validated; value columns get `<metric>_<column>`. */
  readonly metric: string;
  readonly description: string | undefined;
  readonly valueColumns: readonly string[];
  /** Label names the gateway sets from the grouping key and would overwrite in the body. */
  readonly groupingLabelNames: readonly string[];
}

/** What reading the rows found that the user should hear about; it travels as data to the reporter. */
export interface RowFindings {
  rowsRead: number;
  readonly skipped: SkippedRow[];
  readonly duplicates: DuplicateRow[];
}

interface ValueGauge {
  readonly column: number;
  readonly header: string;
  readonly family: GaugeFamily;
}

/** Turns the rows of one CSV source into samples, after its header has fixed the columns' roles. */
export class RowMapper {
  private readonly file: string;
  private readonly header: Header;
  private readonly labelColumns: readonly number[];
  private readonly labelNames: readonly string[];
  private readonly valueGauges: readonly ValueGauge[];
  private readonly countOnlyFamily: GaugeFamily | undefined;
  private readonly findings: RowFindings;

  constructor(file: string, header: Header, headerLine: number, options: MappingOptions, seriesSet: SeriesSet, findings: RowFindings) {
    this.file = file;
    this.header = header;
    this.findings = findings;

    const valueColumnIndexes = new Set<number>();
    const valueGauges: ValueGauge[] = [];
    for (const wanted of options.valueColumns) {
      const column = findColumn(header, wanted, '--value-column', file);
      if (valueColumnIndexes.has(column)) continue;
      valueColumnIndexes.add(column);
      const columnName = header.names[column] as string;
      const help = options.description ?? `Column ${columnName} of the CSV rows pushed by csv-push.`;
      valueGauges.push({ column, header: header.cells[column] as string, family: seriesSet.family(`${options.metric}_${columnName}`, help) });
    }
    this.valueGauges = valueGauges;
    this.countOnlyFamily =
      valueGauges.length === 0
        ? seriesSet.family(options.metric, options.description ?? 'One sample of value 1 per CSV row, pushed by csv-push.')
        : undefined;

    this.labelColumns = header.names.map((_, index) => index).filter((index) => !valueColumnIndexes.has(index));
    this.labelNames = this.labelColumns.map((index) => header.names[index] as string);
    for (const column of this.labelColumns) {
      const name = header.names[column] as string;
      if (options.groupingLabelNames.includes(name)) {
        throw inputError(
          `${file}:${headerLine}: column ${column + 1} ("${header.cells[column]}") is the label "${name}", which the gateway sets from the grouping key and would overwrite; rename the column${name === 'job' ? '' : ` or drop --label ${name}`}`,
        );
      }
    }
  }

  add(record: CsvRecord): void {
    this.findings.rowsRead++;
    const { cells, line } = record;
    if (cells.length !== this.header.names.length) {
      this.skip(line, `expected ${this.header.names.length} columns (as the header has), found ${cells.length}`);
      return;
    }
    const labelValues = this.labelColumns.map((column) => cells[column] as string);
    const origin = { file: this.file, line };

    if (this.countOnlyFamily !== undefined) {
      this.noteReplaced(line, this.countOnlyFamily.set(this.labelNames, labelValues, 1, origin));
      return;
    }

    const values: number[] = [];
    for (const gauge of this.valueGauges) {
      const cell = cells[gauge.column] as string;
      const value = parseSampleValue(cell);
      if (value === undefined) {
        this.skip(
          line,
          `column ${gauge.column + 1} ("${gauge.header}") holds ${cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell)}, not a number (use digits, an exponent, NaN, +Inf or -Inf)`,
        );
        return;
      }
      values.push(value);
    }
    let replaced: ReturnType<GaugeFamily['set']>;
    this.valueGauges.forEach((gauge, index) => {
      replaced = gauge.family.set(this.labelNames, labelValues, values[index] as number, origin) ?? replaced;
    });
    this.noteReplaced(line, replaced);
  }

  private skip(line: number, reason: string): void {
    this.findings.skipped.push({ file: this.file, line, reason });
  }

  private noteReplaced(line: number, replaced: { file: string; line: number } | undefined): void {
    if (replaced === undefined) return;
    this.findings.duplicates.push({ file: this.file, line, replacedFile: replaced.file, replacedLine: replaced.line });
  }
}
