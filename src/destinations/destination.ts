import type { GaugeRegistry } from '../metrics/gauges.js';
import type { DestinationMapping, RowSink } from '../pipeline/read-rows.js';
import type { Landed } from '../pipeline/report.js';
import type { RunReport } from '../report.js';

// The one small interface every destination implements. The pipeline reads the rows, runs the
// rules on skipped and repeated rows, and only then hands the destination what it takes: either
// a finished registry, or (for a destination that streams) a sink that takes rows while they are
// read. A new destination is one file beside the others, and one line in ./choose.ts.

/** The report's fields that say where the rows go. */
export type Destined = Pick<RunReport, 'gateway' | 'textfile' | 'remoteWrite' | 'job' | 'groupingLabels' | 'method'>;

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

/** What a streaming destination reports beside what landed: remote write's series and batches. */
export interface StreamLanded extends Landed {
  readonly fields: Partial<RunReport>;
}

/** Takes rows while they are read, in batches: remote write. Memory stays flat however long the file. */
export interface StreamDestination<Family> extends DestinationBase {
  readonly sink: RowSink<Family>;
  /** Series and metric names handed to the sink so far. */
  readonly series: () => number;
  readonly metricNames: () => string[];
  /** What has landed so far. */
  progress(): StreamLanded;
  /** Sends what is left and waits for every batch. */
  finish(): Promise<StreamLanded>;
  /** Waits for the batches on their way, sending nothing more (the run failed). */
  abandon(): Promise<StreamLanded>;
}
