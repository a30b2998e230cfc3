import { escapeLabelValue } from './exposition.js';

/** Where a sample came from, so a later row with the same labels can name the row it replaced. */
export interface SampleOrigin {
  readonly file: string;
  readonly line: number;
}

/**
 * One gauge's series, kept as their rendered label sets (`{host="a",region="eu"}`) mapped to
 * values. The rendered text is what goes on the wire, and it is an unambiguous key: escaping is
 * injective and the label names are part of it. (prom-client's own `name:value,` hash merges
 * distinct series whose values contain `,` or `:`.) Parallel arrays keep a million series compact.
 */
export class GaugeFamily {
  readonly name: string;
  readonly help: string;
  private readonly indexByLabels = new Map<string, number>();
  private readonly labelTexts: string[] = [];
  private readonly values: number[] = [];
  private readonly lines: number[] = [];
  private readonly fileIndexes: number[] = [];

  constructor(
    name: string,
    help: string,
    private readonly files: string[],
  ) {
    this.name = name;
    this.help = help;
  }

  /** Sets one series; returns the origin of the sample it replaced, if any. */
  set(labelsText: string, value: number, origin: SampleOrigin): SampleOrigin | undefined {
    const index = this.indexByLabels.get(labelsText);
    const fileIndex = this.fileIndex(origin.file);
    if (index === undefined) {
      this.indexByLabels.set(labelsText, this.labelTexts.length);
      this.labelTexts.push(labelsText);
      this.values.push(value);
      this.lines.push(origin.line);
      this.fileIndexes.push(fileIndex);
      return undefined;
    }
    const replaced = { file: this.files[this.fileIndexes[index] as number] as string, line: this.lines[index] as number };
    this.values[index] = value;
    this.lines[index] = origin.line;
    this.fileIndexes[index] = fileIndex;
    return replaced;
  }

  private fileIndex(file: string): number {
    const last = this.files.length - 1;
    if (this.files[last] === file) return last;
    const found = this.files.indexOf(file);
    if (found !== -1) return found;
    this.files.push(file);
    return last + 1;
  }

  get size(): number {
    return this.labelTexts.length;
  }

  /** Rendered label sets and values, in the order the series were first seen. */
  *series(): IterableIterator<[labelsText: string, value: number]> {
    for (let index = 0; index < this.labelTexts.length; index++) {
      yield [this.labelTexts[index] as string, this.values[index] as number];
    }
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
  private readonly prefixes: readonly string[];

  constructor(private readonly names: readonly string[]) {
    this.prefixes = names.map((name, index) => `${index === 0 ? '{' : '",'}${name}="`);
  }

  render(cells: readonly string[], columns: readonly number[]): string {
    if (columns.length === 0) return '';
    let text = '';
    for (let index = 0; index < columns.length; index++) {
      text += (this.prefixes[index] as string) + escapeLabelValue(cells[columns[index] as number] as string);
    }
    return `${text}"}`;
  }

  get labelNames(): readonly string[] {
    return this.names;
  }
}
