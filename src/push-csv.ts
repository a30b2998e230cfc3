import { readHeader, type Header } from './csv/header.js';
import { resolveDialect, type CsvDialectOptions } from './csv/dialect.js';
import { readCsv } from './csv/read-csv.js';
import { sourceName, type CsvSource } from './csv/source.js';
import { CsvPushError, inputError, usageError } from './errors.js';
import { expositionBody, type ExpositionBody } from './metrics/body.js';
import { GaugeRegistry } from './metrics/gauges.js';
import { GATEWAY_OWN_METRICS, isValidMetricName, metricNameFromFileName } from './metrics/names.js';
import { RowMapper, type RowFindings } from './metrics/row-mapper.js';
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

export interface GroupOptions {
  readonly job: string;
  /** Default `http://localhost:9091`; `host:port` means http; a path prefix is kept. */
  readonly gateway?: string;
  /** Extra grouping-key labels, in URL order. */
  readonly groupingLabels?: readonly GroupingLabel[];
  readonly transport?: Partial<TransportOptions>;
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
}

export interface PushCsvOptions extends GroupOptions, CsvOptions {
  /** `put` replaces the whole group; `post` replaces only the metrics with the same names. */
  readonly method?: 'put' | 'post';
}

const DEFAULT_TRANSPORT: TransportOptions = { timeoutMs: 10_000, retries: 2 };

/** The caller's transport options over the defaults; an option left undefined keeps its default. */
export function transportWithDefaults(transport: Partial<TransportOptions> | undefined): TransportOptions {
  const given = Object.fromEntries(Object.entries(transport ?? {}).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_TRANSPORT, ...given };
}

interface Collected {
  readonly gauges: GaugeRegistry;
  readonly findings: RowFindings;
  readonly warnings: string[];
}

/** Reads every source into one GaugeRegistry; throws on input that cannot be read as meant. */
async function collectSeries(options: CsvOptions, groupingLabelNames: readonly string[]): Promise<Collected> {
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
    groupingLabelNames: ['job', ...groupingLabelNames],
    reservedMetricNames: GATEWAY_OWN_METRICS,
  });
  const gauges = new GaugeRegistry();
  const findings: RowFindings = { rowsRead: 0, skipped: [], duplicates: [] };
  const warnings: string[] = [];

  for (const source of options.sources) {
    const file = sourceName(source);
    const metric = options.metric ?? (options.metricColumn === undefined ? defaultMetricName(source) : undefined);
    const rowsBefore = findings.rowsRead;
    const mapperFor = async (header: Header, location: string): Promise<RowMapper> => {
      const made = new RowMapper(file, header, location, mapping(metric), gauges, findings);
      await gauges.declareLabelNames(made.labelNames);
      return made;
    };
    let mapper = options.columns === undefined ? undefined : await mapperFor(readHeader(options.columns, '--columns'), '--columns');
    let sawRecord = false;
    await readCsv(source, dialect, (cells, line) => {
      sawRecord = true;
      if (mapper !== undefined) {
        mapper.add(cells, line);
        return undefined;
      }
      // Only the header is awaited: a promise for every row would cost more than the row.
      const location = `${file}:${line}`;
      return mapperFor(readHeader(cells, location), location).then((made) => {
        mapper = made;
      });
    });
    if (!sawRecord && options.columns === undefined) {
      throw inputError(`${file}: the file is empty; its first line must be a header naming the columns`);
    }
    if (mapper !== undefined) warnings.push(...mapper.fileWarnings());
    if (findings.rowsRead === rowsBefore) {
      warnings.push(`${file} has ${options.columns === undefined ? 'a header but ' : ''}no data rows, so it adds no series`);
    }
  }
  await gauges.refuseMergedSeries();
  return { gauges, findings, warnings };
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

function resolveGroup(options: GroupOptions, forPush: boolean): { address: GatewayAddress; path: string; labels: readonly GroupingLabel[] } {
  const labels = options.groupingLabels ?? [];
  validateGroupingKey(options.job, labels);
  const empty = labels.find((label) => label.value === '');
  if (forPush && empty !== undefined) {
    // Deleting such a group stays possible: it may have been pushed by another client.
    throw usageError(
      `--label ${empty.name}= has an empty value: Prometheus takes that for no label at all, and a Pushgateway holding groups that differ only by it refuses every later push; give it a value, or leave the label out`,
    );
  }
  const address = parseGatewayUrl(options.gateway ?? DEFAULT_GATEWAY);
  return { address, path: groupingPath(options.job, labels), labels };
}

function reportOf(
  action: RunReport['action'],
  options: GroupOptions & Partial<CsvOptions>,
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
    groupingLabels: options.groupingLabels ?? [],
    method,
    rowsRead: collected?.findings.rowsRead ?? 0,
    series: collected?.gauges.seriesCount ?? 0,
    metrics: collected?.gauges.metricNames ?? [],
    skipped: collected?.findings.skipped ?? [],
    duplicates: collected?.findings.duplicates ?? [],
    warnings: collected?.warnings ?? [],
    pushed: outcome.pushed,
    status: outcome.status,
    attempts: outcome.attempts,
    durationMs: Math.round(Date.now() - outcome.started),
  };
}

function checkStrict(options: CsvOptions, report: RunReport): void {
  if (options.strict !== true) return;
  const problems = report.skipped.length + report.duplicates.length;
  if (problems === 0) return;
  const parts = [
    report.skipped.length > 0 ? `${report.skipped.length} row(s) would be skipped` : undefined,
    report.duplicates.length > 0 ? `${report.duplicates.length} row(s) repeat an earlier row's labels` : undefined,
  ].filter(Boolean);
  throw new CsvPushError('STRICT', `--strict: ${parts.join(' and ')}; nothing was pushed. Fix the rows listed above, or drop --strict`, { report });
}

/** A push read, checked and rendered, not yet sent: lets a caller report the rows' warnings first. */
export interface PreparedPush {
  /** The exposition text, rendered in UTF-8 chunks as they are taken. */
  readonly body: ExpositionBody;
  /** The report as it stands before sending: `pushed` is false. */
  readonly report: RunReport;
  readonly address: GatewayAddress;
  readonly path: string;
  readonly method: 'PUT' | 'POST';
  readonly transport: Partial<TransportOptions> | undefined;
  readonly started: number;
}

/** Reads the CSV sources and renders the exposition text a push would send, sending nothing. */
export async function preparePush(options: PushCsvOptions): Promise<PreparedPush> {
  // Date.now(), not performance.now(): milliseconds are all a report shows, and `performance`
  // loads a module on first use, which a 100-row run notices.
  const started = Date.now();
  if (options.method !== undefined && options.method !== 'put' && options.method !== 'post') {
    throw usageError(`--method must be put or post, not "${String(options.method)}"`);
  }
  const method = options.method === 'post' ? 'POST' : 'PUT';
  const { address, path, labels } = resolveGroup(options, true);
  const collected = await collectSeries(options, labels.map((label) => label.name));
  const report = reportOf('dry-run', options, displayUrl(address.base), method, collected, { pushed: false, attempts: 0, started });
  checkStrict(options, report);
  const body = expositionBody(await collected.gauges.render(), collected.gauges.contentType);
  return { body, report, address, path, method, transport: options.transport, started };
}

/** Sends a prepared push in one request; the report says `pushed` only when the gateway took it. */
export async function sendPush(prepared: PreparedPush): Promise<RunReport> {
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
    const answer = await sendToGateway(prepared.address, prepared.method, prepared.path, prepared.body, transport);
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
  const { address, path } = resolveGroup(options, false);
  const gateway = displayUrl(address.base);
  const answer = await sendToGateway(address, 'DELETE', path, undefined, transportWithDefaults(options.transport));
  return reportOf('delete', options, gateway, 'DELETE', undefined, { pushed: true, status: answer.status, attempts: answer.attempts, started });
}
