import { sourceName } from './csv/source.js';
import { CsvPushError, usageError } from './errors.js';
import { displayUrl, parseGatewayUrl, validateGroupingKey, type GroupingLabel } from './push/gateway-url.js';
import type { TransportOptions } from './push/http-client.js';
import { RowFindings } from './metrics/row-findings.js';
import { checkSkippedRows, checkStrict, collectSeries, parseMaxSkipped, rowsReport, transportWithDefaults, type CsvOptions, type ReadRows } from './push-csv.js';
import type { RemoteWriteProgress } from './remote-write/sender.js';
import type { RunReport } from './report.js';
import { constantLabelNames, constantLabels } from './textfile-csv.js';

export interface RemoteWriteCsvOptions extends CsvOptions {
  /** The receiver's write endpoint; `host:port` alone means `http://host:port/api/v1/write`. */
  readonly remoteWrite: string;
  /** Set as label `job` on every series, when given. */
  readonly job?: string | undefined;
  /** Set on every series; empty values are left out. */
  readonly labels?: readonly GroupingLabel[];
  /** Column holding each row's time: Unix seconds or milliseconds, or RFC 3339. Default: the time of the run for every row. */
  readonly timestampColumn?: string | undefined;
  /** Series per request (default 5000). */
  readonly batchSize?: number | undefined;
  readonly transport?: Partial<TransportOptions>;
  /** Read and check every row, send nothing: the report says what would go out. */
  readonly dryRun?: boolean;
}

/** Prometheus and VictoriaMetrics both take remote write here. */
const DEFAULT_WRITE_PATH = '/api/v1/write';

/**
 * Reads the CSV sources and streams their samples to a remote-write receiver in batches, while
 * reading: memory stays flat however long the file. Row warnings come in the report at the end.
 * A failure after some batches were accepted says so: those samples are stored for good.
 */
export async function remoteWriteCsv(options: RemoteWriteCsvOptions): Promise<RunReport> {
  const started = Date.now();
  if (options.strict === true && options.dryRun !== true) {
    throw usageError(
      '--strict promises that nothing is sent when a row is bad, but --remote-write sends rows while it reads them; check the file first with --dry-run --strict (it reads every row and sends nothing), then send it without --strict',
    );
  }
  if (options.maxSkipped !== undefined) {
    parseMaxSkipped(options.maxSkipped);
    if (options.dryRun !== true) {
      throw usageError('--max-skipped holds a run back when too many rows are skipped, but --remote-write sends rows while it reads them; check the file first with --dry-run --max-skipped, then send it without');
    }
  }
  const labels = options.labels ?? [];
  validateGroupingKey(options.job, labels);
  const address = parseGatewayUrl(options.remoteWrite, '--remote-write');
  if (address.base.pathname === '/' || address.base.pathname === '') address.base.pathname = DEFAULT_WRITE_PATH;
  const url = displayUrl(address.base);
  // Loaded only for remote write: protobufjs and snappyjs would add tens of milliseconds to every push.
  const [{ RemoteWriteSender }, { RemoteWriteSink }] = await Promise.all([import('./remote-write/sender.js'), import('./remote-write/sink.js')]);
  // Rows that all share the run's time are distinct series in every batch, so two batches may be
  // on their way at once (a receiver ingests them on two cores); with a time column, one at a
  // time, in order.
  const inFlight = options.timestampColumn === undefined ? 2 : 1;
  const sender = new RemoteWriteSender(address, transportWithDefaults(options.transport), options.batchSize, inFlight);
  // A dry run hands the series to nobody: the sink still builds every label set and time.
  const sink = new RemoteWriteSink(options.dryRun === true ? { add: () => undefined } : sender, constantLabels(options.job, labels), started);

  let read: ReadRows | undefined;
  const report = (pushed: boolean, progress: RemoteWriteProgress): RunReport => ({
    action: options.dryRun === true ? 'dry-run' : 'remote-write',
    files: options.sources.map(sourceName),
    gateway: undefined,
    remoteWrite: url,
    job: options.job,
    groupingLabels: labels,
    method: undefined,
    series: sink.series,
    metrics: sink.metricNames,
    ...rowsReport(read),
    pushed,
    status: progress.status,
    attempts: progress.attempts,
    durationMs: Math.round(Date.now() - started),
    seriesSent: progress.seriesSent,
    // A dry run tells how many requests the run would take.
    batches: options.dryRun === true ? Math.ceil(sink.series / sender.batchSize) : progress.batchesSent,
  });

  const findings = new RowFindings();
  try {
    read = await collectSeries(
      options,
      // No gateway here, so none of its own metric names is reserved.
      { groupingLabelNames: constantLabelNames(options.job, labels), reservedMetricNames: [], constantLabels: 'every-series', timestampColumn: options.timestampColumn },
      sink,
      findings,
    );
    if (options.dryRun === true) {
      const dryReport = report(false, sender.progress());
      checkStrict(options, dryReport);
      checkSkippedRows(options, read, dryReport);
      return dryReport;
    }
    return report(true, await sender.finish());
  } catch (error) {
    read ??= { findings, files: [], warnings: [], hints: [] };
    const progress = await sender.settle();
    if (!(error instanceof CsvPushError)) throw error;
    // Accepted batches are stored for good: the user needs to know the run was cut short, not undone.
    const failure =
      progress.batchesSent > 0
        ? new CsvPushError(error.code, `${error.message}; the run stopped there, and the ${progress.seriesSent} series of the ${progress.batchesSent} batch(es) accepted before were stored`, {
            ...(error.status === undefined ? {} : { status: error.status }),
            cause: error,
          })
        : error;
    failure.report = report(false, progress);
    throw failure;
  }
}
