import type { LabelSet, SampleOrigin } from '../metrics/gauges.js';
import type { RowSink } from '../pipeline/read-rows.js';
import type { RemoteWriteSender } from './sender.js';
import { seriesLabels } from './series-labels.js';
import type { SeriesLabel } from './write-request.js';

/** All remote write keeps of a metric: its name. There is no registry: each sample goes out as it comes. */
export interface RemoteFamily {
  readonly name: string;
}

/**
 * Hands the row mapper's samples straight to a RemoteWriteSender. Nothing of a row outlives its
 * batch, so a file of any length runs in the same memory. Repeated samples never reach it: the
 * pipeline's first reading finds them and leaves their earlier rows out (pipeline/repeats.ts).
 */
export class RemoteWriteSink implements RowSink<RemoteFamily> {
  private readonly families = new Map<string, RemoteFamily>();
  private pending: Promise<void> | undefined;
  /** Samples (a series each) handed to the sender. */
  series = 0;

  constructor(
    private readonly sender: Pick<RemoteWriteSender, 'add'>,
    private readonly constantLabels: readonly SeriesLabel[],
    /** The time of the run, for rows without a timestamp column. */
    private readonly runTimestampMs: number,
  ) {}

  family(name: string): RemoteFamily {
    let family = this.families.get(name);
    if (family === undefined) {
      family = { name };
      this.families.set(name, family);
    }
    return family;
  }

  /** Files need no number here: no sample is kept to say which row it came from. */
  fileIndex(): number {
    return 0;
  }

  set(family: RemoteFamily, labelSet: LabelSet, value: number, _fileIndex: number, _line: number, timestampMs: number | undefined): SampleOrigin | undefined {
    const wait = this.sender.add({
      labels: seriesLabels(family.name, labelSet.labels, this.constantLabels),
      value,
      timestampMs: timestampMs ?? this.runTimestampMs,
    }, `${family.name}\u0000${labelSet.key}`);
    if (wait !== undefined) this.pending = wait;
    this.series++;
    return undefined;
  }

  ready(): Promise<void> | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}
