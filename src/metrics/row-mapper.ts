import { inputError, usageError } from '../errors.js';
import { findColumn, findColumns, type Header } from '../csv/header.js';
import { cleanMetricName } from './names.js';
import { LabelSetBuilder, type LabelSet, type SampleOrigin } from './gauges.js';
import { parseTimestamp } from './timestamps.js';
import { expectedTime, type TimeParser } from './time-format.js';
import { NUMERIC_SAMPLE_ROWS } from './numeric-sample-size.js';
import { isBeyondFloat64, numberOptionFor, sampleValueParser, type NumberFormat } from './values.js';
import type { RowFindings, SkipReason } from './row-findings.js';

export interface MappingOptions {
  /** The gauge name, already validated; a prefix when a metric column names the gauges. */
  readonly metric: string | undefined;
  readonly description: string | undefined;
  readonly valueColumns: readonly string[];
  /** When given, only these columns become labels. */
  readonly labelColumns: readonly string[] | undefined;
  readonly ignoreColumns: readonly string[];
  /** Column whose cell names each row's gauge (long format). */
  readonly metricColumn: string | undefined;
  /** Label names the gateway sets from the grouping key, or csv-push on every series (`job`, `--label`). */
  readonly groupingLabelNames: readonly string[];
  /** How those labels are set: `grouping` (the default) for the Pushgateway's grouping key. */
  readonly constantLabels?: 'grouping' | 'every-series';
  /** Column whose cell is each row's sample time (remote write only); it is no label. */
  readonly timestampColumn?: string | undefined;
  /** Reads a timestamp cell (--timestamp-format, --timezone); parseTimestamp by default. */
  readonly parseTimestamp?: TimeParser | undefined;
  /** What the warning says a time cell should hold (see expectedTime). */
  readonly expectedTime?: string | undefined;
  /** Metric names the destination keeps for series of its own, which would replace ours. */
  readonly reservedMetricNames: readonly string[];
  /** A row with fewer cells than the header has its missing trailing cells read as empty. */
  readonly allowShortRows: boolean;
  /** A row whose value cell is empty is skipped without a warning, only counted. */
  readonly skipEmptyValues: boolean;
  /** How value cells write numbers (decimal comma, thousands separators, symbols to strip). */
  readonly numberFormat?: NumberFormat | undefined;
}

/**
 * Where the mapper hands each kept sample: prom-client's gauges for a push or a textfile, or
 * remote-write batches. `Family` is what the sink keeps for one metric.
 */
export interface SampleSink<Family> {
  family(name: string, help: string): Family;
  fileIndex(file: string): number;
  /** Returns where an earlier sample with the same labels came from, when this one replaced it. */
  set(family: Family, labelSet: LabelSet, value: number, fileIndex: number, line: number, timestampMs: number | undefined): SampleOrigin | undefined;
}

interface ValueColumn {
  readonly column: number;
  readonly header: string;
  /** `_<column>` appended to the gauge name, or '' when the one value column needs no suffix. */
  readonly suffix: string;
  readonly help: string;
}

const NO_CANDIDATES: readonly { readonly column: number; numeric: boolean; numbers: number }[] = [];

const COUNT_HELP = 'One sample of value 1 per CSV row, pushed by csv-push.';

/** Turns the rows of one CSV source into samples, after its header has fixed the columns' roles. */
export class RowMapper<Family> {
  /** Label names this file's rows carry, in column order. */
  readonly labelNames: readonly string[];
  private readonly labels: LabelSetBuilder;
  /** Reused for every row: the values of the row being added. */
  private readonly rowValues: number[];
  private readonly parseValue: (cell: string) => number | undefined;
  /** Reused for every row: which of its value cells is no number. */
  private readonly cellIsBad: boolean[];
  private readonly valueColumns: readonly ValueColumn[];
  private readonly metricColumn: number | undefined;
  private readonly timestampColumn: number | undefined;
  private readonly parseTime: TimeParser;
  private readonly expectedTime: string;
  /** Gauges when every row goes to the same ones (no metric column), in value-column order. */
  private readonly fixedFamilies: readonly Family[] | undefined;
  private readonly reservedMetricNames: readonly string[];
  private readonly metricPrefix: string;
  private readonly fileIndex: number;
  /** The first record whose quoted field spans lines (from line `start` to `end`), and how many did. */
  private multiLine: { start: number; end: number; column: number; count: number } | undefined;
  /** The first cell beyond a float64's range, and how many there were. */
  private beyondFloat64: { line: number; column: ValueColumn; cell: string; value: number; count: number } | undefined;
  /** Value columns of each row, for the bounds on skipped cells. */
  get valueColumnCount(): number {
    return this.valueColumns.length;
  }
  /** This file's rows, for the bounds on skipped rows, which hold file by file. */
  rowsRead = 0;
  rowsSkipped = 0;
  /** Value cells skipped in rows that were kept (the row's other values were pushed). */
  cellsSkipped = 0;
  /** Rows skipped for having fewer cells than the header, which --allow-short-rows would read. */
  shortRowsSkipped = 0;
  /**
   * With no value column, the label columns that may be meant as values: by name (`value`) or,
   * until a cell says otherwise, because every cell is a number. Empty when there is no question.
   */
  private valueLike: { readonly column: number; readonly byName: boolean; numeric: boolean; numbers: number }[] = [];

  constructor(
    private readonly file: string,
    private readonly header: Header,
    /** Where the names came from, for messages: `file.csv:1`, or `--columns`. */
    headerLocation: string,
    private readonly options: MappingOptions,
    private readonly gauges: SampleSink<Family>,
    private readonly findings: RowFindings,
  ) {
    // Columns named exactly take their role first; glob patterns then take the columns left, those
    // of --ignore-column first, then --label-column, then --value-column, so that
    // `--value-column '*' --label-column host --ignore-column 'note*'` means what it says.
    const roleOf = new Map<number, string>();
    const claim = (column: number, role: string) => {
      const earlier = roleOf.get(column);
      if (earlier !== undefined && earlier !== role) {
        throw usageError(`column "${header.cells[column]}" of ${file} is named by both ${earlier} and ${role}; give it one role`);
      }
      roleOf.set(column, role);
      return column;
    };
    const wantedBy = (list: readonly string[] | undefined, option: string) => (list ?? []).map((wanted) => ({ ...findColumns(header, wanted, option, file), option }));
    const one = (wanted: string | undefined, option: string) => (wanted === undefined ? undefined : findColumn(header, wanted, option, file));
    const values = wantedBy(options.valueColumns, '--value-column');
    const ignored = wantedBy(options.ignoreColumns, '--ignore-column');
    const labels = options.labelColumns === undefined ? undefined : wantedBy(options.labelColumns, '--label-column');
    const all = [...values, ...ignored, ...(labels ?? [])];
    this.metricColumn = one(options.metricColumn, '--metric-column');
    this.timestampColumn = one(options.timestampColumn, '--timestamp-column');
    this.parseTime = options.parseTimestamp ?? parseTimestamp;
    this.expectedTime = options.expectedTime ?? expectedTime({});
    if (this.metricColumn !== undefined) claim(this.metricColumn, '--metric-column');
    if (this.timestampColumn !== undefined) claim(this.timestampColumn, '--timestamp-column');
    for (const found of all) if (!found.pattern) claim(found.columns[0] as number, found.option);
    const take = (found: { columns: number[]; pattern: boolean; option: string }) =>
      found.pattern ? found.columns.filter((column) => (roleOf.get(column) ?? found.option) === found.option).map((column) => claim(column, found.option)) : found.columns;
    ignored.forEach(take);
    const labelTaken = labels === undefined ? undefined : [...new Set(labels.flatMap(take))];
    const valueIndexes = [...new Set(values.flatMap(take))];
    const labelIndexes = labelTaken ?? header.names.map((_, index) => index).filter((index) => !roleOf.has(index));

    const longFormat = this.metricColumn !== undefined;
    this.valueColumns = valueIndexes.map((column) => {
      const name = header.names[column] as string;
      // A label name may not start with a digit, so `5 to 13` cleans to `_5_to_13`; after the
      // gauge's own `_` that underscore would double, and the gauge needs none there.
      const suffix = longFormat && valueIndexes.length === 1 ? '' : `_${name.replace(/^_(?=[0-9])/, '')}`;
      return { column, header: header.cells[column] as string, suffix, help: options.description ?? `Column ${name} of the CSV rows pushed by csv-push.` };
    });
    this.metricPrefix = longFormat && options.metric !== undefined ? `${options.metric}_` : '';
    this.reservedMetricNames = options.reservedMetricNames;
    if (!longFormat) {
      const fixed =
        this.valueColumns.length === 0
          ? [{ name: options.metric as string, help: options.description ?? COUNT_HELP }]
          : this.valueColumns.map((value) => ({ name: `${options.metric}${value.suffix}`, help: value.help }));
      const reserved = fixed.find(({ name }) => this.reservedMetricNames.includes(name));
      if (reserved !== undefined) {
        throw usageError(
          `the gauge would be named ${reserved.name}, a name the Pushgateway uses for a series of its own, which would silently replace it; pass --metric with another name`,
        );
      }
      this.fixedFamilies = fixed.map(({ name, help }) => gauges.family(name, help));
    }

    this.fileIndex = gauges.fileIndex(file);
    this.labelNames = labelIndexes.map((index) => header.names[index] as string);
    this.labels = new LabelSetBuilder(header.names, labelIndexes);
    this.parseValue = sampleValueParser(options.numberFormat);
    this.rowValues = this.valueColumns.map(() => 1);
    this.cellIsBad = this.valueColumns.map(() => false);
    // Label columns that may be meant as values: only when the labels were not chosen one by one.
    if (options.labelColumns === undefined) {
      const byName = (column: number) => valueIndexes.length === 0 && (header.names[column] as string).toLowerCase() === 'value';
      this.valueLike = labelIndexes.map((column) => ({ column, byName: byName(column), numeric: true, numbers: 0 }));
    }
    for (const column of labelIndexes) {
      const name = header.names[column] as string;
      if (!options.groupingLabelNames.includes(name)) continue;
      if (options.constantLabels === 'every-series') {
        const option = name === 'job' ? '--job' : `--label ${name}`;
        throw inputError(
          `${headerLocation}: column ${column + 1} ("${header.cells[column]}") is the label "${name}", which ${option} also sets on every series; rename the column or drop ${option}`,
        );
      }
      throw inputError(
        `${headerLocation}: column ${column + 1} ("${header.cells[column]}") is the label "${name}", which the gateway sets from the grouping key and would overwrite; rename the column${name === 'job' ? '' : ` or drop --label ${name}`}`,
      );
    }
  }

  add(row: readonly string[], line: number): void {
    this.findings.rowsRead++;
    this.rowsRead++;
    const columns = this.header.names.length;
    let cells = row;
    if (cells.length !== columns) {
      if (cells.length > columns || !this.options.allowShortRows) {
        if (cells.length < columns) this.shortRowsSkipped++;
        this.skip(line, 'wrongColumnCount', () => `expected ${columns} columns (as the header has), found ${cells.length}`);
        return;
      }
      cells = [...cells, ...new Array<string>(columns - cells.length).fill('')];
    }
    this.noteMultiLineCells(cells, line);
    const families = this.fixedFamilies ?? this.familiesNamedBy(cells, line);
    if (families === undefined) return;

    // A bad cell costs its own sample, not the row: the row is skipped only when no value cell is good.
    const values = this.rowValues;
    let badCells = 0;
    for (let index = 0; index < this.valueColumns.length; index++) {
      const value = this.valueColumns[index] as ValueColumn;
      const cell = cells[value.column] as string;
      const parsed = this.parseValue(cell);
      values[index] = parsed ?? Number.NaN;
      this.cellIsBad[index] = parsed === undefined;
      if (parsed === undefined) badCells++;
      else if (isBeyondFloat64(cell, parsed)) this.noteBeyondFloat64(line, value, cell, parsed);
    }
    if (badCells > 0 && badCells === this.valueColumns.length) {
      const first = this.valueColumns[0] as ValueColumn;
      const cell = cells[first.column] as string;
      const empty = cell.trim() === '';
      const others = badCells === 1 ? '' : `, nor ${badCells === 2 ? 'does its other value cell' : `do its ${badCells - 1} other value cells`}`;
      this.skip(line, empty ? 'emptyValue' : 'notANumber', () => `${this.notANumberText(first, cell, false)}${others}${this.readsItText(cell)}`, empty && this.options.skipEmptyValues);
      return;
    }
    const timestampMs = this.timestampColumn === undefined ? undefined : this.timestampOf(cells, line);
    if (timestampMs === null) return;
    if (badCells > 0) this.skipCells(cells, line);
    // The hint looks at the rows --value-columns numeric would decide on, not at every row: a
    // value parsed per row for a hint was a measurable part of a 10,000-row push.
    const valueLike = this.rowsRead <= NUMERIC_SAMPLE_ROWS ? this.valueLike : NO_CANDIDATES;
    for (const candidate of valueLike) {
      if (!candidate.numeric) continue;
      const cell = cells[candidate.column] as string;
      // An empty cell says nothing either way: a column of numbers may have gaps.
      if (cell.trim() === '') continue;
      if (this.parseValue(cell) === undefined) candidate.numeric = false;
      else candidate.numbers++;
    }

    const labelSet = this.labels.build(cells);
    let replaced: SampleOrigin | undefined;
    for (let index = 0; index < families.length; index++) {
      if (this.cellIsBad[index] === true) continue;
      replaced = this.gauges.set(families[index] as Family, labelSet, values[index] ?? 1, this.fileIndex, line, timestampMs) ?? replaced;
    }
    if (replaced !== undefined) {
      this.findings.duplicate({ file: this.file, line, replacedFile: replaced.file, replacedLine: replaced.line });
    }
  }

  private notANumberText(value: ValueColumn, cell: string, withOption = true): string {
    const empty = cell.trim() === '';
    return `column ${value.column + 1} ("${value.header}") holds ${empty ? 'an empty cell' : JSON.stringify(cell)}, not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false)${withOption ? this.readsItText(cell) : ''}`;
  }

  /** `; --decimal , reads it`, when an option would read the cell. */
  private readsItText(cell: string): string {
    if (cell.trim() === '') return '';
    const option = numberOptionFor(cell, this.options.numberFormat);
    return option === undefined ? '' : `; ${option} reads it`;
  }

  /** The bad value cells of a row that is kept: each is one sample skipped. */
  private skipCells(cells: readonly string[], line: number): void {
    for (let index = 0; index < this.valueColumns.length; index++) {
      if (this.cellIsBad[index] !== true) continue;
      const value = this.valueColumns[index] as ValueColumn;
      const cell = cells[value.column] as string;
      const empty = cell.trim() === '';
      this.cellsSkipped++;
      this.findings.skipCell(
        { file: this.file, line, column: value.column + 1, header: value.header, kind: empty ? 'emptyValue' : 'notANumber' },
        () => this.notANumberText(value, cell),
        empty && this.options.skipEmptyValues,
      );
    }
  }

  /**
   * Header names of the label columns that look like sample values: named `value`, or numbers in
   * every one of the file's first NUMERIC_SAMPLE_ROWS rows (when a row was read). Empty when a
   * value column was given.
   */
  valueLikeColumns(): string[] {
    return this.valueLike
      .filter((candidate) => candidate.byName || (candidate.numeric && candidate.numbers > 0))
      .map((candidate) => this.header.cells[candidate.column] as string);
  }

  /** The row's time from its timestamp cell; null (row skipped) when the cell is no time. */
  private timestampOf(cells: readonly string[], line: number): number | null {
    const column = this.timestampColumn as number;
    const cell = cells[column] as string;
    const parsed = this.parseTime(cell);
    if (parsed !== undefined && parsed >= 0) return parsed;
    if (parsed !== undefined) {
      // Prometheus stores no sample before the Unix epoch: promtool drops it from an OpenMetrics file without a word.
      this.skip(line, 'notATime', () => `column ${column + 1} ("${this.header.cells[column]}") holds ${JSON.stringify(cell.trim())}, a time before 1970-01-01, which Prometheus cannot store`);
      return null;
    }
    this.skip(
      line,
      'notATime',
      () =>
        `column ${column + 1} ("${this.header.cells[column]}") holds ${cell.trim() === '' ? 'an empty cell' : JSON.stringify(cell)}, not a time (use ${this.expectedTime})`,
    );
    return null;
  }

  /** Long format: the row's own cell names its gauge(s); undefined (row skipped) when it is empty. */
  private familiesNamedBy(cells: readonly string[], line: number): Family[] | undefined {
    const column = this.metricColumn as number;
    const name = cleanMetricName(cells[column] as string);
    if (name === '') {
      this.skip(line, 'noMetricName', () => `column ${column + 1} ("${this.header.cells[column]}") is empty, so the row names no metric`);
      return undefined;
    }
    const named =
      this.valueColumns.length === 0
        ? [{ name: `${this.metricPrefix}${name}`, help: COUNT_HELP }]
        : this.valueColumns.map((value) => ({ name: `${this.metricPrefix}${name}${value.suffix}`, help: value.help }));
    const reserved = named.find((family) => this.reservedMetricNames.includes(family.name));
    if (reserved !== undefined) {
      this.skip(line, 'reservedMetricName', () => `column ${column + 1} ("${this.header.cells[column]}") names ${reserved.name}, which the Pushgateway uses for a series of its own that would replace it`);
      return undefined;
    }
    return named.map((family) => this.gauges.family(family.name, family.help));
  }

  /**
   * A quoted field holding line breaks swallows the lines after it, rows that look like rows: RFC
   * 4180 reads them so, but a TSV or a free-text export usually means its quotes as text.
   */
  private noteMultiLineCells(cells: readonly string[], line: number): void {
    for (let index = 0; index < cells.length; index++) {
      const cell = cells[index] as string;
      if (!cell.includes('\n')) continue;
      if (this.multiLine === undefined) {
        const breaks = cell.split('\n').length - 1;
        const before = cells.slice(0, index).reduce((sum, earlier) => sum + earlier.split('\n').length - 1, 0);
        const start = line + before;
        this.multiLine = { start, end: start + breaks, column: index, count: 0 };
      }
      this.multiLine.count++;
      return;
    }
  }

  private noteBeyondFloat64(line: number, column: ValueColumn, cell: string, value: number): void {
    if (this.beyondFloat64 === undefined) this.beyondFloat64 = { line, column, cell, value, count: 0 };
    this.beyondFloat64.count++;
  }

  /** What the user should hear about this file besides its skipped and duplicate rows. */
  fileWarnings(): string[] {
    const warnings: string[] = [];
    const multi = this.multiLine;
    if (multi !== undefined) {
      const lines = multi.end === multi.start + 1 ? `line ${multi.end} was` : `lines ${multi.start + 1}-${multi.end} were`;
      const others = multi.count > 1 ? ` (${multi.count - 1} more record${multi.count > 2 ? 's' : ''} span lines too)` : '';
      warnings.push(
        `${this.file}:${multi.start}: ${lines} read into one field starting at line ${multi.start}, column ${multi.column + 1} ("${this.header.cells[multi.column] ?? ''}"), because of a quote${others}; if quotes in this file are ordinary characters (as in most TSV exports), pass --quote none`,
      );
    }
    const beyond = this.beyondFloat64;
    if (beyond === undefined) return warnings;
    const others = beyond.count > 1 ? ` (${beyond.count - 1} more value${beyond.count > 2 ? 's' : ''} like it)` : '';
    warnings.push(
      `${this.file}:${beyond.line}: column ${beyond.column.column + 1} ("${beyond.column.header}") holds ${beyond.cell.trim()}, beyond the range of a 64-bit float, so it is pushed as ${formatSpecial(beyond.value)}${others}`,
    );
    return warnings;
  }

  private skip(line: number, kind: SkipReason, describe: () => string, silently = false): void {
    this.rowsSkipped++;
    this.findings.skip(this.file, line, kind, describe, silently);
  }
}

function formatSpecial(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return '0';
}
