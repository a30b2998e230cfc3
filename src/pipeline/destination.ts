import type { GaugeRegistry } from '../metrics/gauges.js';
import type { CsvOptions } from './options.js';
import type { DestinationMapping, RowSink } from './read-rows.js';
import type { Landed } from './report.js';
import type { RepeatCounts } from './repeats.js';
import type { RunReport } from '../report.js';
import type { GroupingLabel } from '../transport/gateway-url.js';
import type { TransportOptions } from '../transport/options.js';

// The one small interface every destination implements, kept by the pipeline that drives it (so
// that the destinations import the pipeline, never the reverse). The pipeline reads the rows,
// runs the rules on skipped and repeated rows, and only then hands the destination what it takes:
// either a finished registry, or (for a destination that streams) a sink that takes rows while
// they are read. A new destination is one file in src/destinations/, and one line in its choose.ts.

/** The report's fields that say where the rows go. */
export type Destined = Pick<RunReport, 'gateway' | 'textfile' | 'remoteWrite' | 'openmetrics' | 'job' | 'groupingLabels' | 'method'>;

/** Counts a destination's HTTP attempts as they happen, so a failed send can still tell them. */
export interface AttemptTally {
  attempts: number;
}

interface DestinationBase {
  /** What the report calls a run that went there. */
  readonly action: RunReport['action'];
  /** How rows map for it: the labels it sets itself, the metric names it keeps, the time column. */
  readonly mapping: DestinationMapping;
  readonly destined: Destined;
}

/** Takes every row at once, once all are read and checked: the Pushgateway, a textfile. */
export interface RegistryDestination<Payload extends { chunks(): Iterable<Uint8Array | string> }> extends DestinationBase {
  /** Renders the checked gauges into what is sent; a dry run prints its chunks instead. */
  render(gauges: GaugeRegistry): Promise<Payload>;
  /** Sends it; resolves with what landed, rejects with a CsvPushError. */
  send(payload: Payload, tally: AttemptTally): Promise<Landed>;
}

/** What a streaming destination reports beside what landed: remote write's samples and batches. */
export interface StreamLanded extends Landed {
  readonly fields: Partial<RunReport>;
}

/**
 * Takes rows with their times, read a second time once the first reading has found the repeats
 * (see pipeline/repeats.ts): remote write sends them in batches while they are read, memory flat
 * however long the file; --openmetrics writes them in time order at the end.
 */
export interface StreamDestination<Family> extends DestinationBase {
  /** Takes every sample of the second reading, the earlier rows of a repeat left out. */
  readonly sink: RowSink<Family>;
  /** Told what the second reading will hand on, before it starts (--openmetrics sizes its arrays so). */
  expect?(counts: RepeatCounts): void;
  /** What has landed so far. */
  progress(): StreamLanded;
  /** Sends what is left and waits for every batch. */
  finish(): Promise<StreamLanded>;
  /** Waits for the batches on their way, sending nothing more (the run failed). */
  abandon(): Promise<StreamLanded>;
}

/** What the command line asks of a destination: the rows, where they go, and whether to send. */
export interface RunRequest {
  /** The other destinations take `job` and `groupingLabels` as labels on every series. */
  readonly options: CsvOptions & {
    readonly job?: string | undefined;
    readonly gateway?: string | undefined;
    readonly groupingLabels: readonly GroupingLabel[];
    readonly method?: 'put' | 'post' | 'PUT' | 'POST' | undefined;
    readonly transport?: Partial<TransportOptions> | undefined;
  };
  readonly textfile?: string | undefined;
  /** With `textfile`: the file's mode (see src/textfile/file-mode.ts). */
  readonly fileMode?: number | undefined;
  readonly remoteWrite?: string | undefined;
  /** The OpenMetrics file to write, with each row's time, for promtool's backfill. */
  readonly openmetrics?: string | undefined;
  readonly timestampColumn?: string | undefined;
  readonly batchSize?: number | undefined;
  readonly dryRun: boolean;
  readonly delete: boolean;
}

/** A run whose rows are read and checked. */
export interface StartedRun {
  /** The report as it stands: before sending, or at the end for a destination that streams. */
  readonly report: RunReport;
  /** What a dry run prints on stdout; undefined for a destination that prints nothing. */
  readonly dryRunChunks: (() => Iterable<Uint8Array | string>) | undefined;
  /** Sends what was prepared; undefined when it is sent already (streamed) or there is nothing to send. */
  readonly send: (() => Promise<RunReport>) | undefined;
}

/** How the command line runs a destination: one call, whichever it is. */
export interface DestinationEntry {
  start(request: RunRequest): Promise<StartedRun>;
}
