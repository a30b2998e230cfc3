import type { LabelSet, SampleOrigin } from '../metrics/gauges.js';
import type { RowSink } from './read-rows.js';
import { HashTable, SampleHasher } from './key-table.js';

// The one series rule for the destinations that take rows with their times (remote write,
// --openmetrics): a label set repeated at the same time anywhere in the run keeps the later
// row's value, as the Pushgateway and a textfile do. A receiver cannot be told "replace": sending
// both, Prometheus refuses the second ("duplicate sample for timestamp") or keeps the first, and
// VictoriaMetrics keeps both. So the rows are read twice: the first reading (RepeatFinder) finds
// which samples repeat and the last row of each; the second (LaterRowsOnly) hands on every
// sample but the earlier rows of a repeat.

/** Origins are packed into one number, file index above the line, as the gauges pack them. */
const LINES_PER_FILE = 2 ** 32;

/**
 * The first reading's sink: it keeps no row, only a 64-bit hash of each sample (metric name,
 * label set, time) with the packed origin of its latest row (see HashTable for the bytes per
 * sample, SampleHasher for the collision risk). A repeat answers with the row it replaces, so the
 * row mapper warns of it as a push would: "same labels as line N; this row's value replaces it".
 * With a time column it also counts distinct series (a label set over all its times).
 */
export class RepeatFinder implements RowSink<string> {
  private readonly hasher = new SampleHasher();
  /** Sample hash -> origin of its latest row, negated (-origin - 1) once it has repeated. */
  private samples = new HashTable();
  /** Series hashes, with a time column only: without one, every sample is a series of its own. */
  private series: HashTable | undefined;
  private readonly files: string[] = [];
  private readonly names = new Set<string>();
  /** Samples that replaced an earlier row's. */
  repeats = 0;

  constructor(withTimes: boolean) {
    this.series = withTimes ? new HashTable() : undefined;
  }

  family(name: string): string {
    this.names.add(name);
    return name;
  }

  /** Called once a source, in order: a file given twice is two sources (its lines would otherwise be counted as repeats of themselves). */
  fileIndex(file: string): number {
    this.files.push(file);
    return this.files.length - 1;
  }

  set(name: string, labelSet: LabelSet, _value: number, fileIndex: number, line: number, timestampMs: number | undefined): SampleOrigin | undefined {
    const hasher = this.hasher;
    hasher.series(name, labelSet.key);
    if (this.series !== undefined) {
      this.series.set(hasher.high, hasher.low, 0);
      hasher.withTime(timestampMs ?? 0);
    }
    const origin = fileIndex * LINES_PER_FILE + line;
    const earlier = this.samples.set(hasher.high, hasher.low, origin);
    if (earlier === undefined) return undefined;
    this.samples.set(hasher.high, hasher.low, -origin - 1);
    this.repeats++;
    const packed = earlier < 0 ? -earlier - 1 : earlier;
    return { file: this.files[Math.floor(packed / LINES_PER_FILE)] as string, line: packed % LINES_PER_FILE };
  }

  /** What the run holds so far. */
  counts(): RepeatCounts {
    return {
      series: this.series === undefined ? this.samples.size : this.series.size,
      samples: this.samples.size,
      metrics: Array.from(this.names),
    };
  }

  /**
   * Once the first reading is done: the counts, and what the second reading needs, only the
   * samples that repeated, each with its last row, in a table of their own (undefined when
   * nothing repeated: every sample is handed on as it comes). The big tables are let go.
   */
  finish(): RepeatCounts & { readonly last: LastRows | undefined } {
    const counts = this.counts();
    let last: LastRows | undefined;
    if (this.repeats > 0) {
      const table = new HashTable();
      this.samples.forEach((high, low, value) => {
        if (value < 0) table.set(high, low, -value - 1);
      });
      last = { table, withTimes: this.series !== undefined };
    }
    this.samples = new HashTable();
    this.series = this.series === undefined ? undefined : new HashTable();
    return { ...counts, last };
  }
}

/** Series (label sets, whatever their times), samples (series and time) and metric names of a run. */
export interface RepeatCounts {
  readonly series: number;
  readonly samples: number;
  readonly metrics: string[];
}

/** The samples that repeated, by hash, with the packed origin of the row whose value wins. */
export interface LastRows {
  readonly table: HashTable;
  readonly withTimes: boolean;
}

interface Wrapped<Family> {
  readonly name: string;
  readonly inner: Family;
}

/**
 * The second reading's sink, in front of the destination's: a sample whose hash repeated is
 * handed on only from its last row. Files are read in the same order both times, so their
 * indexes agree with the first reading's.
 */
export class LaterRowsOnly<Family> implements RowSink<Wrapped<Family>> {
  private readonly hasher = new SampleHasher();
  private readonly families = new Map<string, Wrapped<Family>>();
  private readonly innerFiles: number[] = [];

  constructor(
    private readonly inner: RowSink<Family>,
    private readonly last: LastRows,
  ) {}

  declareLabelNames(names: readonly string[]): Promise<void> {
    return this.inner.declareLabelNames?.(names) ?? Promise.resolve();
  }

  ready(): Promise<void> | undefined {
    return this.inner.ready?.();
  }

  family(name: string, help: string): Wrapped<Family> {
    let family = this.families.get(name);
    if (family === undefined) {
      family = { name, inner: this.inner.family(name, help) };
      this.families.set(name, family);
    }
    return family;
  }

  /** By position, as the first reading counts them. */
  fileIndex(file: string): number {
    this.innerFiles.push(this.inner.fileIndex(file));
    return this.innerFiles.length - 1;
  }

  set(family: Wrapped<Family>, labelSet: LabelSet, value: number, fileIndex: number, line: number, timestampMs: number | undefined): SampleOrigin | undefined {
    const hasher = this.hasher;
    hasher.series(family.name, labelSet.key);
    if (this.last.withTimes) hasher.withTime(timestampMs ?? 0);
    const winner = this.last.table.get(hasher.high, hasher.low);
    if (winner !== undefined && winner !== fileIndex * LINES_PER_FILE + line) return undefined;
    this.inner.set(family.inner, labelSet, value, this.innerFiles[fileIndex] as number, line, timestampMs);
    return undefined;
  }
}
