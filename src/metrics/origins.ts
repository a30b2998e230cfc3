/**
 * Which row last set each label set of one gauge: packed origins by label-set key, as a Map would
 * hold them. With a metric-name column most gauges hold one label set, so the first is kept in two
 * fields and a Map is made only for a second: an empty Map costs about 200 bytes, which for 50,000
 * metric names kept Node.js 24's young generation growing to its largest size (50 MB more peak RSS).
 */
export class Origins {
  private firstKey: string | undefined;
  private firstOrigin = 0;
  private more: Map<string, number> | undefined;

  get size(): number {
    return this.more?.size ?? (this.firstKey === undefined ? 0 : 1);
  }

  get(key: string): number | undefined {
    if (this.more !== undefined) return this.more.get(key);
    return key === this.firstKey ? this.firstOrigin : undefined;
  }

  set(key: string, origin: number): void {
    if (this.more !== undefined) {
      this.more.set(key, origin);
    } else if (this.firstKey === undefined || key === this.firstKey) {
      this.firstKey = key;
      this.firstOrigin = origin;
    } else {
      this.more = new Map([
        [this.firstKey, this.firstOrigin],
        [key, origin],
      ]);
    }
  }

  clear(): void {
    this.firstKey = undefined;
    this.more = undefined;
  }

  *[Symbol.iterator](): IterableIterator<[string, number]> {
    if (this.more !== undefined) yield* this.more;
    else if (this.firstKey !== undefined) yield [this.firstKey, this.firstOrigin];
  }
}
