import { Gauge, Registry } from 'prom-client';
import { inputError } from '../errors.js';
import { Origins } from './origins.js';

/** Where a sample came from, so a later row with the same labels can name the row it replaced. */
export interface SampleOrigin {
  readonly file: string;
  readonly line: number;
}

/**
 * One row's label set: `labels` in column order for prom-client (empty values left out, since an
 * empty label value is the same series as a missing label), and `key`, an unambiguous text of the
 * same set (names sorted), by which csv-push finds rows that repeat a label set.
 */
export interface LabelSet {
  readonly labels: Record<string, string>;
  readonly key: string;
  /** Whether a value holds a `,`: only then can prom-client's label hash run two sets together. */
  readonly holdsComma: boolean;
}

/** Origins are packed into one number, file index above the line: a million series stay a million numbers. */
const LINES_PER_FILE = 2 ** 32;

export interface GaugeFamily {
  readonly name: string;
  readonly help: string;
  gauge: Gauge;
  /** Every label set this gauge was given, by key, with the packed origin of its latest row. */
  readonly origins: Origins;
  /** Whether any of its label values holds a `,` (see refuseMergedSeries). */
  holdsComma: boolean;
}

/**
 * The gauges of one push, held by prom-client: a private Registry with one Gauge per metric,
 * each declaring its label names, and `set(labels, value)` for every kept row. Ours are the
 * bookkeeping prom-client does not do: which row set each series, and whether its label hash
 * (`name:value,` pairs joined) merged two label sets that are in fact distinct.
 */
export class GaugeRegistry {
  private readonly registry = new Registry();
  private readonly families = new Map<string, GaugeFamily>();
  private readonly files: string[] = [];
  /** Label names of every file read so far; each gauge declares them all (a label never set is not rendered). */
  private readonly labelNames = new Set<string>();
  /**
   * What every gauge is made with, one array each for them all: prom-client keeps the arrays it
   * is given, and with a gauge per row's metric name an array per gauge adds up.
   */
  private gaugeLabelNames: string[] = [];
  private readonly registers = [this.registry];
  private seriesCountAtEnd: number | undefined;

  /**
   * Declares the label names of a file about to be read. A Gauge's label names are fixed when it
   * is made, so gauges from earlier files that lack one are made again with the values copied.
   */
  async declareLabelNames(names: readonly string[]): Promise<void> {
    const added = names.filter((name) => !this.labelNames.has(name));
    if (added.length === 0) return;
    for (const name of added) this.labelNames.add(name);
    this.gaugeLabelNames = Array.from(this.labelNames);
    if (this.families.size === 0) return;
    // Registered again in their first-seen order, so the text keeps that order.
    this.registry.clear();
    for (const family of this.families.values()) {
      // A gauge no row has set holds only prom-client's own 0 sample (see newGauge): not copied.
      const { values } = family.origins.size === 0 ? { values: [] } : await family.gauge.get();
      family.gauge = this.newGauge(family.name, family.help);
      for (const { labels, value } of values) family.gauge.set(labels, value);
    }
  }

  /** A small number standing for a file, so that each series need not hold the name. */
  fileIndex(file: string): number {
    const found = this.files.indexOf(file);
    if (found !== -1) return found;
    this.files.push(file);
    return this.files.length - 1;
  }

  /** Returns the gauge of that name, making it with this help text when it is new. */
  family(name: string, help: string): GaugeFamily {
    let family = this.families.get(name);
    if (family === undefined) {
      family = { name, help, gauge: this.newGauge(name, help), origins: new Origins(), holdsComma: false };
      this.families.set(name, family);
    }
    return family;
  }

  /** Sets one series (a later row wins); returns where the sample it replaced came from, if it replaced one. */
  set(family: GaugeFamily, labelSet: LabelSet, value: number, fileIndex: number, line: number): SampleOrigin | undefined {
    const earlier = family.origins.get(labelSet.key);
    family.origins.set(labelSet.key, fileIndex * LINES_PER_FILE + line);
    if (labelSet.holdsComma) family.holdsComma = true;
    family.gauge.set(labelSet.labels, value);
    return earlier === undefined ? undefined : this.originOf(earlier);
  }

  get seriesCount(): number {
    if (this.seriesCountAtEnd !== undefined) return this.seriesCountAtEnd;
    let count = 0;
    for (const family of this.families.values()) count += family.origins.size;
    return count;
  }

  /**
   * Lets go of which row set each series, once every row is in and checked: a million label sets
   * are worth a hundred megabytes that rendering the text can use instead. No row may be set after.
   */
  forgetRows(): void {
    this.seriesCountAtEnd = this.seriesCount;
    this.dropUnsetSamples();
    for (const family of this.families.values()) family.origins.clear();
  }

  /** Removes prom-client's own 0 sample (see newGauge) from the label-less gauges no row has set. */
  private dropUnsetSamples(): void {
    if (this.labelNames.size > 0) return;
    for (const family of this.families.values()) if (family.origins.size === 0) family.gauge.remove();
  }

  get metricNames(): string[] {
    return Array.from(this.families.keys());
  }

  /**
   * prom-client keys a series by its label values joined as `name:value,` pairs, so
   * `{a="x,b:y", b="z"}` and `{a="x", b="y,b:z"}` would land on one series and one of them would be
   * lost. Counting tells: fewer series in the registry than distinct label sets set. The two rows
   * are then found by grouping the label sets on that same joined text. Without a `,` in any value
   * the pairs split apart again unambiguously (names hold no `:`), so only then is there a count to take.
   */
  async refuseMergedSeries(): Promise<void> {
    for (const family of this.families.values()) {
      if (!family.holdsComma) continue;
      const { values } = await family.gauge.get();
      if (values.length === family.origins.size) continue;
      const byJoinedText = new Map<string, number>();
      for (const [key, origin] of family.origins) {
        const pairs = JSON.parse(key) as string[];
        let joined = '';
        for (let index = 0; index < pairs.length; index += 2) joined += `${pairs[index]}:${pairs[index + 1]},`;
        const other = byJoinedText.get(joined);
        if (other !== undefined) {
          const [first, second] = [this.originOf(other), this.originOf(origin)].sort((a, b) => a.line - b.line);
          throw inputError(
            `${second?.file}:${second?.line}: the labels of this row differ from those of ${first?.file === second?.file ? '' : `${first?.file} `}line ${first?.line}, but prom-client would store both as one series of ${family.name} (values holding "," and ":" run together); change one of the values`,
          );
        }
        byJoinedText.set(joined, origin);
      }
    }
  }

  /**
   * The exposition text of every gauge, as prom-client renders it, with `constantLabels` on every
   * series (prom-client's default labels: a textfile has no grouping key to carry `job`).
   * The same text as `registry.metrics()`, rendered one gauge at a time: `metrics()` renders every
   * gauge at once, so with one gauge per row's metric name all their partial texts are alive
   * together: 50,000 names took 30 MB more peak RSS that way on Node.js 24, whose young
   * generation grows to four times the size it has on Node.js 20 and 22.
   */
  async render(constantLabels: Readonly<Record<string, string>> = {}): Promise<string> {
    // Set here, not earlier: declareLabelNames clears the registry, and its default labels with it.
    this.registry.setDefaultLabels(constantLabels);
    // After forgetRows the origins are gone, and it has dropped them already.
    if (this.seriesCountAtEnd === undefined) this.dropUnsetSamples();
    const texts: string[] = [];
    for (const name of this.families.keys()) texts.push(await this.registry.getSingleMetricAsString(name));
    return `${texts.join('\n\n')}\n`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * A Gauge without label names starts out holding one sample of 0; only rows may set samples, so
   * it is removed before rendering from the gauges no row has set (dropUnsetSamples). Not here:
   * removing it turns prom-client's sample table into a dictionary, 128 bytes more per gauge, for
   * a gauge that a row sets anyway.
   */
  private newGauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, labelNames: this.gaugeLabelNames, registers: this.registers });
  }

  private originOf(packed: number): SampleOrigin {
    return { file: this.files[Math.floor(packed / LINES_PER_FILE)] as string, line: packed % LINES_PER_FILE };
  }
}

/** Builds the label sets of one file's rows, whose label columns are fixed by its header. */
export class LabelSetBuilder {
  /** Label columns, in column order (the order labels are rendered in). */
  private readonly columns: readonly number[];
  /** The same columns ordered by label name, for the key. */
  private readonly columnsByName: readonly number[];

  constructor(
    /** Label name of every column. */
    private readonly names: readonly string[],
    columns: readonly number[],
  ) {
    this.columns = columns;
    this.columnsByName = [...columns].sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
  }

  build(cells: readonly string[]): LabelSet {
    const labels: Record<string, string> = {};
    let holdsComma = false;
    for (const column of this.columns) {
      const value = cells[column] as string;
      if (value === '') continue;
      labels[this.names[column] as string] = value;
      if (value.includes(',')) holdsComma = true;
    }
    const pairs: string[] = [];
    for (const column of this.columnsByName) {
      const value = cells[column] as string;
      if (value !== '') pairs.push(this.names[column] as string, value);
    }
    // JSON is unambiguous whatever the values hold, so equal keys mean equal label sets.
    return { labels, key: JSON.stringify(pairs), holdsComma };
  }
}
