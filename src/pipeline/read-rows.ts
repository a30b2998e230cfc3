import { readHeader, type Header } from './csv/header.js';
import { resolveDialect, type CsvDialectOptions } from './csv/dialect.js';
import { readCsv } from './csv/read-csv.js';
import { sourceName, type CsvSource } from './csv/source.js';
import { CsvPushError, inputError, usageError } from './errors.js';
import { expositionBody, type ExpositionBody } from './metrics/body.js';
import { GaugeRegistry } from './metrics/gauges.js';
import { GATEWAY_OWN_METRICS, isValidMetricName, metricNameFromFileName } from './metrics/names.js';
import { RowFindings, skipReasonCounts } from './metrics/row-findings.js';
import { RowMapper, type MappingOptions, type SampleSink } from './metrics/row-mapper.js';
import {
  DEFAULT_GATEWAY,
  displayUrl,
  groupingPath,
  parseGatewayUrl,
  validateGroupingKey,
  type GatewayAddress,
  type GroupingLabel,
} from './push/gateway-url.js';
import { sendToGateway, type TransportOptions } from './push/http-client.js';
import type { RunReport } from './report.js';

/** Extra grouping-key labels, in URL order: `[{ name: 'instance', value: 'web-1' }]` or `{ instance: 'web-1' }`. */
export type GroupingLabels = readonly GroupingLabel[] | Readonly<Record<string, string>>;

export interface GroupOptions {
  readonly job: string;
  /** Default `http://localhost:9091`; `host:port` means http; a path prefix is kept. */
  readonly gateway?: string;
  readonly groupingLabels?: GroupingLabels;
  readonly transport?: Partial<TransportOptions>;
}

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

export interface CsvOptions {
  readonly sources: readonly CsvSource[];
  /**
   * Gauge name; by default each file's base name, cleaned. Required for streams, unless
   * `metricColumn` names the gauges, in which case it is a prefix.
   */
  readonly metric?: string;
  readonly description?: string;
  /** Columns holding sample values; each becomes gauge `<metric>_<column>`. Without any, every row's value is 1. */
  readonly valueColumns?: readonly string[];
  /** Only these columns become labels (default: every column with no other role). */
  readonly labelColumns?: readonly string[];
  readonly ignoreColumns?: readonly string[];
  /** Long format: this column's cell names each row's gauge. */
  readonly metricColumn?: string;
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
  /** Called as the sources are read (about once per megabyte of a file), for a progress display. */
  readonly onProgress?: (progress: ReadProgress) => void;
}

export type PushMethod = 'put' | 'post' | 'PUT' | 'POST';

export interface PushCsvOptions extends GroupOptions, CsvOptions {
  /** `put` replaces the whole group; `post` replaces only the metrics with the same names. Any case. */
  readonly method?: PushMethod;
}

/** What preparePush takes: a push's options, where the job may be left out for a dry run (the body alone). */
export type PreparePushOptions = Omit<PushCsvOptions, 'job'> & { readonly job?: string | undefined };

const DEFAULT_TRANSPORT: TransportOptions = { timeoutMs: 10_000, retries: 2 };

/** The caller's transport options over the defaults; an option left undefined keeps its default. */
export function transportWithDefaults(transport: Partial<TransportOptions> | undefined): TransportOptions {
  const given = Object.fromEntries(Object.entries(transport ?? {}).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_TRANSPORT, ...given };
}

/** One source's rows, for the bounds on skipped rows, which hold file by file. */
interface FileTally {
  readonly file: string;
  readonly rowsRead: number;
  readonly rowsSkipped: number;
}

/** What reading the sources found, whatever took the samples. */
export interface ReadRows {
  readonly findings: RowFindings;
  readonly files: readonly FileTally[];
  readonly warnings: string[];
  readonly hints: string[];
}

interface Collected extends ReadRows {
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

/** The Pushgateway's: `job` and the grouping labels come from the grouping key. */
function gatewayMapping(groupingLabelNames: readonly string[]): DestinationMapping {
  return { groupingLabelNames: ['job', ...groupingLabelNames], reservedMetricNames: GATEWAY_OWN_METRICS };
}

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
  const mapping = (metric: string | undefined) => ({
    metric,
    description: options.description,
    valueColumns: options.valueColumns ?? [],
    labelColumns: options.labelColumns,
    ignoreColumns: options.ignoreColumns ?? [],
    metricColumn: options.metricColumn,
    allowShortRows: options.allowShortRows === true,
    skipEmptyValues: options.skipEmptyValues === true,
    ...destination,
  });
  const files: FileTally[] = [];
  const warnings: string[] = [];
  const valueLike = new Set<string>();
  let shortRowsSkipped = 0;

  for (const source of options.sources) {
    const file = sourceName(source);
    const metric = options.metric ?? (options.metricColumn === undefined ? defaultMetricName(source) : undefined);
    const rowsBefore = findings.rowsRead;
    const mapperFor = async (header: Header, location: string): Promise<RowMapper<Family>> => {
      const made: RowMapper<Family> = new RowMapper(file, header, location, mapping(metric), sink, findings);
      await sink.declareLabelNames?.(made.labelNames);
      return made;
    };
    let mapper = options.columns === undefined ? undefined : await mapperFor(readHeader(options.columns, '--columns'), '--columns');
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
      const location = `${file}:${line}`;
      return mapperFor(readHeader(cells, location), location).then((made) => {
        mapper = made;
      });
    }, onBytes);
    if (!sawRecord && options.columns === undefined) {
      throw inputError(`${file}: the file is empty; its first line must be a header naming the columns`);
    }
    if (mapper !== undefined) warnings.push(...mapper.fileWarnings());
    if (findings.rowsRead === rowsBefore) {
      warnings.push(`${file} has ${options.columns === undefined ? 'a header but ' : ''}no data rows, so it adds no series`);
    }
    const read = mapper as RowMapper<Family> | undefined;
    files.push({ file, rowsRead: read?.rowsRead ?? 0, rowsSkipped: read?.rowsSkipped ?? 0 });
    for (const column of read?.valueLikeColumns() ?? []) valueLike.add(column);
    shortRowsSkipped += read?.shortRowsSkipped ?? 0;
  }
  const hints = [valueColumnHint([...valueLike]), shortRowsHint(shortRowsSkipped)].filter((hint): hint is string => hint !== undefined);
  return { findings, files, warnings, hints };
}

/** One line for every column that looks meant as the sample value, but became a label. */
function valueColumnHint(columns: readonly string[]): string | undefined {
  if (columns.length === 0) return undefined;
  const quoted = columns.map((column) => JSON.stringify(column));
  const named = quoted.length === 1 ? `column ${quoted[0]}` : `columns ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
  const options = columns.map((column) => `--value-column ${/^[\w.:-]+$/.test(column) ? column : `'${column.replace(/'/g, `'\\''`)}'`}`).join(' ');
  return `${named} looks like sample values but became ${columns.length === 1 ? 'a label' : 'labels'}, and every sample is 1; to push ${columns.length === 1 ? 'it' : 'them'} as values, pass ${options}`;
}

function shortRowsHint(count: number): string | undefined {
  if (count === 0) return undefined;
  return `${count === 1 ? '1 row has' : `${count} rows have`} fewer cells than the header; --allow-short-rows reads the missing trailing cells as empty`;
}

function defaultMetricName(source: CsvSource): string {
  if (!('path' in source)) {
    throw usageError(`--metric (or --metric-column) is required when reading ${source.name}: there is no file name to take it from`);
  }
  const name = metricNameFromFileName(source.path);
  if (name === '') {
    throw usageError(`cannot make a metric name from the file name "${source.path}"; pass --metric`);
  }
  return name;
}

function groupingLabelList(labels: GroupingLabels | undefined): readonly GroupingLabel[] {
  if (labels === undefined) return [];
  if (Array.isArray(labels)) return labels;
  return Object.entries(labels).map(([name, value]) => ({ name, value }));
}

/** The group's address; without a job (a dry run), there is no path to push to. */
function resolveGroup(
  options: Omit<GroupOptions, 'job'> & { readonly job?: string | undefined },
  forPush: boolean,
): { address: GatewayAddress; path: string | undefined; labels: readonly GroupingLabel[] } {
  const labels = groupingLabelList(options.groupingLabels);
  validateGroupingKey(options.job, labels);
  const empty = labels.find((label) => label.value === '');
  if (forPush && empty !== undefined) {
    // Deleting such a group stays possible: it may have been pushed by another client.
    throw usageError(
      `--label ${empty.name}= has an empty value: Prometheus takes that for no label at all, and a Pushgateway holding groups that differ only by it refuses every later push; give it a value, or leave the label out`,
    );
  }
  const address = parseGatewayUrl(options.gateway ?? DEFAULT_GATEWAY);
  return { address, path: options.job === undefined ? undefined : groupingPath(options.job, labels), labels };
}

function reportOf(
  action: RunReport['action'],
  options: Partial<GroupOptions & CsvOptions>,
  labels: readonly GroupingLabel[],
  gateway: string,
  method: RunReport['method'],
  collected: Collected | undefined,
  outcome: { pushed: boolean; status?: number; attempts: number; started: number },
): RunReport {
  return {
    action,
    files: (options.sources ?? []).map(sourceName),
    gateway,
    job: options.job,
    groupingLabels: labels,
    method,
    series: collected?.gauges.seriesCount ?? 0,
    metrics: collected?.gauges.metricNames ?? [],
    ...rowsReport(collected),
    pushed: outcome.pushed,
    status: outcome.status,
    attempts: outcome.attempts,
    durationMs: Math.round(Date.now() - outcome.started),
  };
}

/** The part of a report that tells what reading the rows found. */
export function rowsReport(
  read: ReadRows | undefined,
): Pick<RunReport, 'rowsRead' | 'rowsSkipped' | 'skippedByReason' | 'rowsSkippedSilently' | 'skipped' | 'duplicateRows' | 'duplicates' | 'warnings' | 'hints'> {
  return {
    rowsRead: read?.findings.rowsRead ?? 0,
    rowsSkipped: read?.findings.rowsSkipped ?? 0,
    skippedByReason: { ...(read?.findings.skippedByReason ?? new RowFindings().skippedByReason) },
    rowsSkippedSilently: read?.findings.rowsSkippedSilently ?? 0,
    skipped: read?.findings.skipped ?? [],
    duplicateRows: read?.findings.duplicateRows ?? 0,
    duplicates: read?.findings.duplicates ?? [],
    warnings: read?.warnings ?? [],
    hints: read?.hints ?? [],
  };
}

export function checkStrict(options: CsvOptions, report: RunReport): void {
  if (options.strict !== true) return;
  const problems = report.rowsSkipped + report.duplicateRows;
  if (problems === 0) return;
  const parts = [
    report.rowsSkipped > 0 ? `${report.rowsSkipped} row(s) would be skipped` : undefined,
    report.duplicateRows > 0 ? `${report.duplicateRows} row(s) repeat an earlier row's labels` : undefined,
  ].filter(Boolean);
  throw new CsvPushError('STRICT', `--strict: ${parts.join(' and ')}; nothing was pushed. Fix the rows listed above, or drop --strict`, { report });
}

/** `--max-skipped` as a bound: a count of rows, or a share of a file's rows. */
export type SkipBound = { readonly rows: number } | { readonly percent: number };

export function parseMaxSkipped(given: number | string): SkipBound {
  const text = String(given).trim();
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  const number = match === null ? Number.NaN : Number(match[1]);
  if (match === null || (match[2] === '%' ? number > 100 : !Number.isInteger(number))) {
    throw usageError(`--max-skipped must be a whole number of rows or a percentage up to 100% (e.g. 10 or 5%), not "${text}"`);
  }
  return match[2] === '%' ? { percent: number } : { rows: number };
}

/**
 * Never clears a group by accident: a file that has data rows and skips every one of them fails,
 * unless --max-skipped is 100%; and no file may skip more rows than --max-skipped allows.
 */
export function checkSkippedRows(options: CsvOptions, collected: ReadRows, report: RunReport): void {
  const bound = options.maxSkipped === undefined ? undefined : parseMaxSkipped(options.maxSkipped);
  const allAllowed = bound !== undefined && 'percent' in bound && bound.percent === 100;
  // Counts by reason are over every file; with one file they are that file's.
  const reasons = collected.files.length === 1 ? ` (${skipReasonCounts(report.skippedByReason)})` : '';
  for (const { file, rowsRead, rowsSkipped } of collected.files) {
    if (rowsSkipped === 0) continue;
    if (rowsSkipped === rowsRead && !allAllowed) {
      throw new CsvPushError(
        'SKIPPED_ROWS',
        `${file}: ${rowsRead === 1 ? 'its one data row was' : `all ${rowsRead} data rows were`} skipped${reasons}, and ${emptied(report, collected.files.length)}; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to push anyway`,
        { report },
      );
    }
    const limit = bound === undefined ? undefined : 'rows' in bound ? bound.rows : (rowsRead * bound.percent) / 100;
    if (limit !== undefined && rowsSkipped > limit) {
      const share = `${((rowsSkipped / rowsRead) * 100).toFixed(1).replace(/\.0$/, '')}%`;
      throw new CsvPushError(
        'SKIPPED_ROWS',
        `${file}: ${rowsSkipped} of its ${rowsRead} data rows skipped (${share}), more than --max-skipped ${String(options.maxSkipped).trim()} allows; nothing was sent. Fix the rows listed above, or raise --max-skipped`,
        { report },
      );
    }
  }
}

/** What sending a file whose rows were all skipped would do, for the message that refuses it. */
function emptied(report: RunReport, files: number): string {
  if (report.textfile !== undefined) return files === 1 ? 'writing no series would empty the textfile' : "the textfile would lose this file's series";
  if (report.remoteWrite !== undefined) return 'there is nothing to send';
  if (report.method === 'POST') return 'there is nothing left to push';
  return files === 1 ? 'a PUT of no series would empty the group' : "a PUT would drop this file's series from the group";
}

/** A push read, checked and rendered, not yet sent: lets a caller report the rows' warnings first. */
export interface PreparedPush {
  /** The exposition text, rendered in UTF-8 chunks as they are taken. */
  readonly body: ExpositionBody;
  /** The report as it stands before sending: `pushed` is false. */
  readonly report: RunReport;
  readonly address: GatewayAddress;
  /** Undefined when no job was given: such a push can be shown but not sent. */
  readonly path: string | undefined;
  readonly method: 'PUT' | 'POST';
  readonly transport: Partial<TransportOptions> | undefined;
  readonly started: number;
}

/** Reads the CSV sources and renders the exposition text a push would send, sending nothing. */
export async function preparePush(options: PreparePushOptions): Promise<PreparedPush> {
  // Date.now(), not performance.now(): milliseconds are all a report shows, and `performance`
  // loads a module on first use, which a 100-row run notices.
  const started = Date.now();
  const method = parseMethod(options.method);
  if (options.maxSkipped !== undefined) parseMaxSkipped(options.maxSkipped);
  const { address, path, labels } = resolveGroup(options, true);
  const collected = await collectGauges(options, gatewayMapping(labels.map((label) => label.name)));
  const report = reportOf('dry-run', options, labels, displayUrl(address.base), method, collected, { pushed: false, attempts: 0, started });
  checkStrict(options, report);
  checkSkippedRows(options, collected, report);
  const body = expositionBody(await collected.gauges.render(), collected.gauges.contentType);
  return { body, report, address, path, method, transport: options.transport, started };
}

function parseMethod(method: string | undefined): 'PUT' | 'POST' {
  const upper = (method ?? 'put').toUpperCase();
  if (upper !== 'PUT' && upper !== 'POST') throw usageError(`--method must be put or post, not "${String(method)}"`);
  return upper;
}

/** Sends a prepared push in one request; the report says `pushed` only when the gateway took it. */
export async function sendPush(prepared: PreparedPush): Promise<RunReport> {
  const path = prepared.path;
  if (path === undefined) throw usageError('a push needs a job (--job); only a dry run can go without one');
  let attempts = 0;
  const transport = withAttemptCount(prepared.transport, () => attempts++);
  const finished = (pushed: boolean, status: number | undefined): RunReport => ({
    ...prepared.report,
    action: 'push',
    pushed,
    status,
    attempts,
    durationMs: Math.round(Date.now() - prepared.started),
  });
  try {
    const answer = await sendToGateway(prepared.address, prepared.method, path, prepared.body, transport);
    return finished(true, answer.status);
  } catch (error) {
    if (error instanceof CsvPushError) error.report = finished(false, error.status);
    throw error;
  }
}

/** Reads the CSV sources and pushes them to the gateway in one request. */
export async function pushCsv(options: PushCsvOptions): Promise<RunReport> {
  return sendPush(await preparePush(options));
}

function withAttemptCount(transport: Partial<TransportOptions> | undefined, count: () => void): TransportOptions {
  const merged = transportWithDefaults(transport);
  return {
    ...merged,
    onAttempt: (event) => {
      count();
      merged.onAttempt?.(event);
    },
  };
}

/** Deletes the whole group (job plus grouping labels) from the gateway. */
export async function deleteGroup(options: GroupOptions): Promise<RunReport> {
  const started = Date.now();
  const { address, path, labels } = resolveGroup(options, false);
  const gateway = displayUrl(address.base);
  const answer = await sendToGateway(address, 'DELETE', path as string, undefined, transportWithDefaults(options.transport));
  return reportOf('delete', options, labels, gateway, 'DELETE', undefined, { pushed: true, status: answer.status, attempts: answer.attempts, started });
}
