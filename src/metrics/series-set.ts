export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Where a sample came from, so a later row with the same labels can name the row it replaced. */
export interface SampleOrigin {
  readonly file: string;
  readonly line: number;
}

interface StoredSample extends Sample {
  readonly origin: SampleOrigin;
}

export class GaugeFamily {
  readonly name: string;
  readonly help: string;
  private readonly samplesByKey = new Map<string, StoredSample>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  /**
   * Sets one series; returns the origin of the sample it replaced, if any. The key is an
   * unambiguous encoding of names and values: prom-client's own `name:value,` hash merges
   * distinct series whose values contain `,` or `:`.
   */
  set(labelNames: readonly string[], labelValues: readonly string[], value: number, origin: SampleOrigin): SampleOrigin | undefined {
    const key = JSON.stringify([labelNames, labelValues]);
    const previous = this.samplesByKey.get(key);
    const labels: Record<string, string> = {};
    for (let index = 0; index < labelNames.length; index++) {
      labels[labelNames[index] as string] = labelValues[index] as string;
    }
    this.samplesByKey.set(key, { labels, value, origin });
    return previous?.origin;
  }

  get size(): number {
    return this.samplesByKey.size;
  }

  samples(): IterableIterator<Sample> {
    return this.samplesByKey.values();
  }
}

/** Every gauge of one push, in the order they were first seen. */
export class SeriesSet {
  private readonly familiesByName = new Map<string, GaugeFamily>();

  /** Returns the family of that name, creating it with this help text when it is new. */
  family(name: string, help: string): GaugeFamily {
    let family = this.familiesByName.get(name);
    if (family === undefined) {
      family = new GaugeFamily(name, help);
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
