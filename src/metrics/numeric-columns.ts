import { findColumn, findColumns, type Header } from '../csv/header.js';
import { NUMERIC_SAMPLE_ROWS } from './numeric-sample-size.js';
import type { ChosenValueColumns } from './row-findings.js';
import { sampleValueParser, type NumberFormat } from './values.js';

export { NUMERIC_SAMPLE_ROWS };

/** The columns the other options name: never taken as values, whatever they hold. */
export interface NamedColumns {
  readonly labelColumns: readonly string[] | undefined;
  readonly ignoreColumns: readonly string[];
  readonly metricColumn: string | undefined;
  readonly timestampColumn?: string | undefined;
  readonly numberFormat?: NumberFormat | undefined;
}

/** Holds a file's first rows, then names the columns whose non-empty cells are all numbers. */
export class NumericColumnSampler {
  readonly rows: { cells: string[]; line: number }[] = [];
  private readonly candidates: number[];
  private readonly parseValue: (cell: string) => number | undefined;

  constructor(
    private readonly file: string,
    private readonly header: Header,
    named: NamedColumns,
  ) {
    this.parseValue = sampleValueParser(named.numberFormat);
    const taken = new Set<number>();
    const patterns = [...(named.labelColumns ?? []), ...named.ignoreColumns];
    for (const wanted of patterns) for (const column of findColumns(header, wanted, 'a column option', file).columns) taken.add(column);
    for (const wanted of [named.metricColumn, named.timestampColumn]) if (wanted !== undefined) taken.add(findColumn(header, wanted, 'a column option', file));
    this.candidates = header.cells.map((_, index) => index).filter((index) => !taken.has(index));
  }

  /** Returns true when enough rows are held to decide. */
  add(cells: string[], line: number): boolean {
    this.rows.push({ cells, line });
    return this.rows.length >= NUMERIC_SAMPLE_ROWS;
  }

  choose(): ChosenValueColumns {
    const columns = this.candidates.filter((column) => {
      let numbers = 0;
      for (const { cells } of this.rows) {
        const cell = cells[column];
        if (cell === undefined || cell.trim() === '') continue;
        if (this.parseValue(cell) === undefined) return false;
        numbers++;
      }
      return numbers > 0;
    });
    return { file: this.file, columns: columns.map((column) => this.header.cells[column] as string), sampleRows: this.rows.length };
  }
}
