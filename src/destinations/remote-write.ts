import { constantLabelNames, constantLabels } from '../pipeline/constant-labels.js';
import type { CsvOptions } from '../pipeline/options.js';
import { streamRun } from '../pipeline/run.js';
import type { RemoteWriteProgress } from '../remote-write/sender.js';
import type { RunReport } from '../report.js';
import { displayUrl, parseGatewayUrl, validateGroupingKey, type GroupingLabel } from '../transport/gateway-url.js';
import { transportWithDefaults, type TransportOptions } from '../transport/options.js';
import type { RemoteFamily } from '../remote-write/sink.js';
import type { DestinationEntry, StreamDestination, StreamLanded } from '../pipeline/destination.js';

// Prometheus remote write: samples stream out in batches while the rows are read (the second
// time: the first reading finds the rows that repeat a sample, see pipeline/repeats.ts).

export interface RemoteWriteCsvOptions extends CsvOptions {
  /** The receiver's write endpoint; `host:port` alone means `http://host:port/api/v1/write`. */
  readonly remoteWrite: string;
  /** Set as label `job` on every series, when given. */
  readonly job?: string | undefined;
  /** Set on every series; empty values are left out. */
  readonly labels?: readonly GroupingLabel[];
  /** Column holding each row's time: Unix seconds or milliseconds, or RFC 3339. Default: the time of the run for every row. */
  readonly timestampColumn?: string | undefined;
  /** Series per request (default 10000). */
  readonly batchSize?: number | undefined;
  readonly transport?: Partial<TransportOptions>;
  /** Read and check every row, send nothing: the report says what would go out. */
  readonly dryRun?: boolean;
}

/** Prometheus and VictoriaMetrics both take remote write here. */
const DEFAULT_WRITE_PATH = '/api/v1/write';

/**
 * Reads the CSV sources and streams their samples to a remote-write receiver in batches, while
 * reading them a second time: memory stays flat however long the file (but for the samples
 * that repeat, see pipeline/repeats.ts). Row warnings come in the report at the end.
 * A failure after some batches were accepted says so: those samples are stored for good.
 */
export async function remoteWriteCsv(options: RemoteWriteCsvOptions): Promise<RunReport> {
  const started = Date.now();
  return streamRun(options, () => remoteWrite(options, started), started);
}

async function remoteWrite(options: RemoteWriteCsvOptions, started: number): Promise<StreamDestination<RemoteFamily>> {
  const dryRun = options.dryRun === true;
  const labels = options.labels ?? [];
  validateGroupingKey(options.job, labels);
  const address = parseGatewayUrl(options.remoteWrite, '--remote-write');
  if (address.base.pathname === '/' || address.base.pathname === '') address.base.pathname = DEFAULT_WRITE_PATH;
  // Loaded only for remote write: protobufjs and snappyjs would add tens of milliseconds to every push.
  const [{ RemoteWriteSender }, { RemoteWriteSink }] = await Promise.all([import('../remote-write/sender.js'), import('../remote-write/sink.js')]);
  // Rows that all share the run's time are distinct series in every batch, so two batches may be
  // on their way at once (a receiver ingests them on two cores); with a time column, one at a
  // time, in order.
  const inFlight = options.timestampColumn === undefined ? 2 : 1;
  const sender = new RemoteWriteSender(address, transportWithDefaults(options.transport), options.batchSize, inFlight);
  // A dry run hands the series to nobody: the sink still builds every label set and time.
  const sink = new RemoteWriteSink(dryRun ? { add: () => undefined } : sender, constantLabels(options.job, labels), started);
  const landed = (progress: RemoteWriteProgress): StreamLanded => ({
    pushed: !dryRun,
    status: progress.status,
    attempts: progress.attempts,
    fields: {
      // The sender counts the series of its requests, each holding one sample.
      samplesSent: progress.seriesSent,
      // A dry run tells how many requests the run would take.
      batches: dryRun ? Math.ceil(sink.series / sender.batchSize) : progress.batchesSent,
    },
  });
  return {
    action: dryRun ? 'dry-run' : 'remote-write',
    // No gateway here, so none of its own metric names is reserved.
    mapping: { groupingLabelNames: constantLabelNames(options.job, labels), reservedMetricNames: [], constantLabels: 'every-series', timestampColumn: options.timestampColumn },
    destined: { gateway: undefined, remoteWrite: displayUrl(address.base), job: options.job, groupingLabels: labels, method: undefined, ...(options.timestampColumn === undefined ? {} : { timestampColumn: options.timestampColumn }) },
    sink,
    progress: () => landed(sender.progress()),
    finish: async () => landed(dryRun ? sender.progress() : await sender.finish()),
    abandon: async () => landed(await sender.settle()),
  };
}

/** The command line's way in: rows stream out while they are read, so the report comes at the end; a dry run prints nothing. */
export const entry: DestinationEntry = {
  async start({ options, remoteWrite: url, timestampColumn, batchSize, dryRun }) {
    const report = await remoteWriteCsv({ ...options, labels: options.groupingLabels, remoteWrite: url as string, timestampColumn, batchSize, dryRun });
    return { report, dryRunChunks: undefined, send: undefined };
  },
};
