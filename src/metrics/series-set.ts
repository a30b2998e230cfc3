import { escapeLabelValue } from './exposition.js';
import { LabelStore } from './label-store.js';
import { grown } from './typed-arrays.js';

/** Where a sample came from, so a later row with the same labels can name the row it replaced. */
export interface SampleOrigin {
  readonly file: string;
  readonly line: number;
}

/**
 * One gauge's series: rendered label sets (`{host="a",region="eu"}`) and their values. The
 * rendered text is what goes on the wire, and it is an unambiguous key for finding a repeated
 * row: escaping is injective and the label names are part of it. (prom-client's own
 * `name:value,` hash merges distinct series whose values contain `,` or `:`.)
 */
export class GaugeFamily {
  readonly name: string;
  readonly help: string;
  private readonly labels = new LabelStore();
  private values = new Float64Array(1024);
  private lines = new Uint32Array(1024);
  private fileIndexes = new Uint32Array(1024);

  constructor(
    name: string,
    help: string,
    private readonly files: readonly string[],
  ) {
    this.name = name;
    this.help = help;
  }

  /**
   * Sets one series (a later row wins); returns where the sample it replaced came from, if it
   * replaced one. `fileIndex` comes from SeriesSet#fileIndex.
   */
  set(labelsText: string, value: number, line: number, fileIndex: number): SampleOrigin | undefined {
    const { index, added } = this.labels.intern(labelsText);
    if (index >= this.values.length) this.grow();
    const replaced = added ? undefined : { file: this.files[this.fileIndexes[index] as number] as string, line: this.lines[index] as number };
    this.values[index] = value;
    this.lines[index] = line;
    this.fileIndexes[index] = fileIndex;
    return replaced;
  }

  private grow(): void {
    const capacity = this.values.length * 2;
    this.values = grown(this.values, capacity);
    this.lines = grown(this.lines, capacity);
    this.fileIndexes = grown(this.fileIndexes, capacity);
  }

  get size(): number {
    return this.labels.size;
  }

  /** The rendered label set of the series at `index` (0 to size - 1, in the order first seen). */
  labelsTextAt(index: number): string {
    return this.labels.textAt(index);
  }

  labelsByteLength(index: number): number {
    return this.labels.byteLength(index);
  }

  /** Copies the rendered label set's UTF-8 bytes into `target` at `at`; returns the count. */
  copyLabelsTo(index: number, target: Buffer, at: number): number {
    return this.labels.copyTo(index, target, at);
  }

  valueAt(index: number): number {
    return this.values[index] as number;
  }
}

/** Every gauge of one push, in the order they were first seen. */
export class SeriesSet {
  private readonly familiesByName = new Map<string, GaugeFamily>();
  private readonly files: string[] = [];

  /** Returns the family of that name, creating it with this help text when it is new. */
  family(name: string, help: string): GaugeFamily {
    let family = this.familiesByName.get(name);
    if (family === undefined) {
      family = new GaugeFamily(name, help, this.files);
      this.familiesByName.set(name, family);
    }
    return family;
  }

  /** A small number standing for a file, so that each sample need not hold the name. */
  fileIndex(file: string): number {
    const found = this.files.indexOf(file);
    if (found !== -1) return found;
    this.files.push(file);
    return this.files.length - 1;
  }

  families(): IterableIterator<GaugeFamily> {
    return this.familiesByName.values();
  }

  get seriesCount(): number {
    let count = 0;
    for (const family of this.familiesByName.values()) count += family.size;
    return count;
  }
}

/**
 * Renders label sets the way prom-client's Registry does: `{name="value",...}` in column order,
 * nothing at all for no labels. Built once per source, then applied to every row.
 */
export class LabelRenderer {
  /** Reused for every row: prefix, value, prefix, value, ..., closing. */
  private readonly parts: string[];

  constructor(names: readonly string[]) {
    this.parts = names.flatMap((name, index) => [`${index === 0 ? '{' : '",'}${name}="`, '']);
    if (names.length > 0) this.parts.push('"}');
  }

  render(cells: readonly string[], columns: readonly number[]): string {
    if (columns.length === 0) return '';
    const { parts } = this;
    for (let index = 0; index < columns.length; index++) {
      parts[2 * index + 1] = escapeLabelValue(cells[columns[index] as number] as string);
    }
    // join() yields one flat string; `+=` would leave a tree of cons strings that V8 keeps,
    // flattened, beside the text: three times the memory for a million series.
    return parts.join('');
  }
}
