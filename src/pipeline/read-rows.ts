import { delimiterHintLine, loadColumnPatterns, parseColumnRename, readHeader, type ColumnRename, type Header } from '../csv/header.js';
import { resolveDialect } from '../csv/dialect.js';
import { readCsv } from '../csv/read-csv.js';
import { sourceName, type CsvSource } from '../csv/source.js';
import { inputError, usageError } from '../errors.js';
import { GaugeRegistry } from '../metrics/gauges.js';
import { isValidMetricName, metricNameFromFileName } from '../metrics/names.js';
import { RowFindings, type ChosenValueColumns } from '../metrics/row-findings.js';
import { RowMapper, type MappingOptions, type SampleSink } from '../metrics/row-mapper.js';
import { sampleValueParser } from '../metrics/values.js';
import { expectedTime, timeParser } from '../metrics/time-format.js';
import { NumericColumnSampler } from '../metrics/numeric-columns.js';
import type { CsvOptions } from './options.js';

// Reading: every source through a RowMapper into a sink (prom-client gauges, or remote-write
// batches), with what reading found: skipped rows, duplicates, warnings and hints.

/** One source's rows, for the bounds on skipped rows, which hold file by file. */
export interface FileTally {
  readonly file: string;
  readonly rowsRead: number;
  readonly rowsSkipped: number;
  /** Value cells skipped in kept rows, and the value cells of every row read (rows × value columns). */
  readonly cellsSkipped: number;
  readonly valueCells: number;
}

/** What reading the sources found, whatever took the samples. */
export interface ReadRows {
  readonly findings: RowFindings;
  readonly files: readonly FileTally[];
  readonly warnings: string[];
  readonly hints: string[];
  /** What --value-columns numeric chose, file by file. */
  readonly valueColumnsChosen: readonly ChosenValueColumns[];
}

export interface Collected extends ReadRows {
  readonly gauges: GaugeRegistry;
}

/** A SampleSink that may also want each file's label names first, or hold reading back. */
export interface RowSink<Family> extends SampleSink<Family> {
  /** Called with each file's label names before its rows (prom-client's Gauges fix theirs when made). */
  declareLabelNames?(names: readonly string[]): Promise<void>;
  /** A promise while the sink can take no more rows (a remote-write batch on its way), else undefined. */
  ready?(): Promise<void> | undefined;
}

/** What the destination decides about the mapping: labels it sets itself, names it keeps, the time column. */
export type DestinationMapping = Pick<MappingOptions, 'groupingLabelNames' | 'reservedMetricNames' | 'constantLabels' | 'timestampColumn'>;

/** Reads every source into prom-client gauges (a push, a textfile); throws on input that cannot be read as meant. */
export async function collectGauges(options: CsvOptions, destination: DestinationMapping): Promise<Collected> {
  const gauges = new GaugeRegistry();
  const read = await collectSeries(options, destination, gauges);
  await gauges.refuseMergedSeries();
  gauges.forgetRows();
  return { ...read, gauges };
}

/**
 * Reads every source through a RowMapper into `sink`; throws on input that cannot be read as
 * meant. `findings` fill as rows are read, so a caller whose run fails midway can still tell them.
 */
export async function collectSeries<Family>(
  options: CsvOptions,
  destination: DestinationMapping,
  sink: RowSink<Family>,
  findings: RowFindings = new RowFindings(),
): Promise<ReadRows> {
  if (options.sources.length === 0) throw usageError('no CSV file given; pass a path, or - for standard input');
  if (options.metric !== undefined && !isValidMetricName(options.metric)) {
    throw usageError(
      `--metric "${options.metric}" is not a valid metric name (letters, digits, _ and :, not starting with a digit)`,
    );
  }
  const dialect = resolveDialect(options.dialect ?? {});
  const renames = columnRenames(options.renames);
  // Checked before any file is read: a bad --thousands is a usage error, whatever the file holds.
  sampleValueParser(options.numberFormat);
  await loadColumnPatterns([...(options.valueColumns ?? []), ...(options.labelColumns ?? []), ...(options.ignoreColumns ?? [])]);
  const parseTimestamp = await timeParser(options);
  const mapping = (metric: string | undefined) => ({
    metric,
    description: options.description,
    valueColumns: options.valueColumns ?? [],
    labelColumns: options.labelColumns,
    ignoreColumns: options.ignoreColumns ?? [],
    metricColumn: options.metricColumn,
    allowShortRows: options.allowShortRows === true,
    skipEmptyValues: options.skipEmptyValues === true,
    numberFormat: options.numberFormat,
    parseTimestamp,
    expectedTime: expectedTime(options),
    ...destination,
  });
  const files: FileTally[] = [];
  const warnings: string[] = [];
  // Its rows would each warn of repeating themselves ("same labels as line 2" on line 2): say why once.
  const paths = options.sources.flatMap((source) => ('path' in source ? [source.path] : []));
  for (const path of new Set(paths.filter((path, index) => paths.indexOf(path) !== index))) {
    warnings.push(`${path} is given more than once: its rows are read again, each repeating itself, and the last reading's values are kept`);
  }
  const valueLike = new Set<string>();
  const valueColumnsChosen: ChosenValueColumns[] = [];
  const fileHints: string[] = [];
  let shortRowsSkipped = 0;

  for (const source of options.sources) {
    const file = sourceName(source);
    const metric = options.metric ?? (options.metricColumn === undefined ? defaultMetricName(source) : undefined);
    const rowsBefore = findings.rowsRead;
    const mapperFor = async (header: Header, location: string, valueColumns?: readonly string[]): Promise<RowMapper<Family>> => {
      const delimiter = delimiterHintLine(file, header);
      if (delimiter !== undefined) fileHints.push(delimiter);
      const made: RowMapper<Family> = new RowMapper(file, header, location, { ...mapping(metric), ...(valueColumns === undefined ? {} : { valueColumns }) }, sink, findings);
      await sink.declareLabelNames?.(made.labelNames);
      return made;
    };
    // --value-columns numeric: the first rows are held until the columns are chosen, then mapped.
    let sampled: { sampler: NumericColumnSampler; header: Header; location: string } | undefined;
    const startSampling = (header: Header, location: string) => {
      sampled = { sampler: new NumericColumnSampler(file, header, mapping(metric)), header, location };
    };
    const mapSampledRows = async (): Promise<void> => {
      const { sampler, header, location } = sampled as NonNullable<typeof sampled>;
      sampled = undefined;
      const chosen = sampler.choose();
      if (chosen.columns.length === 0 && sampler.rows.length > 0) {
        throw inputError(`${file}: --value-columns numeric found no column whose cells are all numbers in its first ${sampler.rows.length} data rows; name the value columns with --value-column`);
      }
      valueColumnsChosen.push(chosen);
      const made = await mapperFor(header, location, [...(options.valueColumns ?? []), ...chosen.columns]);
      mapper = made;
      for (const row of sampler.rows) {
        made.add(row.cells, row.line);
        await sink.ready?.();
      }
    };
    let mapper: RowMapper<Family> | undefined;
    if (options.columns !== undefined) {
      const header = readHeader(options.columns, '--columns', renames);
      if (options.numericValueColumns === true) startSampling(header, '--columns');
      else mapper = await mapperFor(header, '--columns');
    }
    let sawRecord = false;
    const onBytes =
      options.onProgress === undefined
        ? undefined
        : (bytesRead: number, totalBytes: number | undefined) => options.onProgress?.({ file, rowsRead: findings.rowsRead, bytesRead, totalBytes });
    await readCsv(source, dialect, (cells, line) => {
      sawRecord = true;
      if (mapper !== undefined) {
        mapper.add(cells, line);
        // Only a sink that is full is awaited: a promise for every row would cost more than the row.
        return sink.ready?.();
      }
      if (sampled !== undefined) return sampled.sampler.add(cells, line) ? mapSampledRows() : undefined;
      const location = `${file}:${line}`;
      const header = readHeader(cells, location, renames);
      if (options.numericValueColumns === true) return startSampling(header, location);
      return mapperFor(header, location).then((made) => {
        mapper = made;
      });
    }, onBytes);
    if (sampled !== undefined) await mapSampledRows();
    if (!sawRecord && options.columns === undefined) {
      throw inputError(`${file}: the file is empty; its first line must be a header naming the columns`);
    }
    if (mapper !== undefined) warnings.push(...mapper.fileWarnings());
    if (findings.rowsRead === rowsBefore) {
      warnings.push(`${file} has ${options.columns === undefined ? 'a header but ' : ''}no data rows, so it adds no series`);
    }
    const read = mapper as RowMapper<Family> | undefined;
    files.push({
      file,
      rowsRead: read?.rowsRead ?? 0,
      rowsSkipped: read?.rowsSkipped ?? 0,
      cellsSkipped: read?.cellsSkipped ?? 0,
      valueCells: (read?.rowsRead ?? 0) * (read?.valueColumnCount ?? 0),
    });
    for (const column of read?.valueLikeColumns() ?? []) valueLike.add(column);
    shortRowsSkipped += read?.shortRowsSkipped ?? 0;
  }
  const hints = [...fileHints, valueColumnHint([...valueLike], (options.valueColumns?.length ?? 0) > 0 || options.numericValueColumns === true), shortRowsHint(shortRowsSkipped)].filter((hint): hint is string => hint !== undefined);
  return { findings, files, warnings, hints, valueColumnsChosen };
}

function columnRenames(given: CsvOptions['renames']): ColumnRename[] {
  if (given === undefined) return [];
  if (Array.isArray(given)) return (given as readonly string[]).map(parseColumnRename);
  return Object.entries(given).map(([column, name]) => parseColumnRename(`${column}=${name}`));
}

/** One line for every column that looks meant as the sample value, but became a label. */
function valueColumnHint(columns: readonly string[], withValueColumns: boolean): string | undefined {
  if (columns.length === 0) return undefined;
  const quoted = columns.map((column) => JSON.stringify(column));
  const named = quoted.length === 1 ? `column ${quoted[0]}` : `columns ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
  const shown = columns.slice(0, 5);
  const options = shown.map((column) => `--value-column ${/^[\w.:-]+$/.test(column) ? column : `'${column.replace(/'/g, `'\\''`)}'`}`).join(' ');
  const them = columns.length === 1 ? 'it' : 'them';
  if (withValueColumns) {
    const more = columns.length > shown.length ? ` (and ${columns.length - shown.length} more)` : '';
    return `${named} ${columns.length === 1 ? 'holds' : 'hold'} only numbers but became ${columns.length === 1 ? 'a label' : 'labels'}; to push ${them} as values too, pass ${options}${more}, or --value-columns numeric`;
  }
  const all = columns.length > shown.length ? ' --value-columns numeric' : ` ${options}`;
  return `${named} ${columns.length === 1 ? 'looks' : 'look'} like sample values but became ${columns.length === 1 ? 'a label' : 'labels'}, and every sample is 1; to push ${them} as values, pass${all}`;
}

function shortRowsHint(count: number): string | undefined {
  if (count === 0) return undefined;
  return `${count === 1 ? '1 row has' : `${count} rows have`} fewer cells than the header; --allow-short-rows reads the missing trailing cells as empty`;
}

function defaultMetricName(source: CsvSource): string {
  const path = 'path' in source ? source.path : source.fileName;
  if (path === undefined) {
    throw usageError(`--metric (or --metric-column) is required when reading ${sourceName(source)}: there is no file name to take it from`);
  }
  const name = metricNameFromFileName(path);
  if (name === '') {
    throw usageError(`cannot make a metric name from the file name "${path}"; pass --metric`);
  }
  return name;
}

