import { describe, expect, it } from 'vitest';
import type { LabelSet, SampleOrigin } from '../../src/metrics/gauges.js';
import { HashTable, SampleHasher } from '../../src/pipeline/key-table.js';
import { LaterRowsOnly, RepeatFinder } from '../../src/pipeline/repeats.js';
import type { RowSink } from '../../src/pipeline/read-rows.js';

const labelSet = (pairs: Record<string, string>): LabelSet => ({
  labels: pairs,
  key: JSON.stringify(Object.entries(pairs).sort(([a], [b]) => (a < b ? -1 : 1)).flat()),
  holdsComma: false,
});

describe('HashTable', () => {
  it('keeps every key through its doublings, returns the value it replaces, and stores the hash 0:0', () => {
    const table = new HashTable();
    const hasher = new SampleHasher();
    for (let index = 0; index < 50_000; index++) {
      hasher.series('m', String(index));
      expect(table.set(hasher.high, hasher.low, index)).toBeUndefined();
    }
    expect(table.size).toBe(50_000);
    hasher.series('m', '123');
    expect(table.get(hasher.high, hasher.low)).toBe(123);
    expect(table.set(hasher.high, hasher.low, 7)).toBe(123);
    expect(table.get(hasher.high, hasher.low)).toBe(7);
    hasher.series('m', 'never set');
    expect(table.get(hasher.high, hasher.low)).toBeUndefined();
    expect(table.set(0, 0, 5)).toBeUndefined();
    expect(table.get(0, 0)).toBe(5);
    expect(table.size).toBe(50_001);
  });

  it('hashes a name and labels apart from the same text split otherwise, and times apart', () => {
    const seen = new Set<string>();
    const hasher = new SampleHasher();
    const add = () => seen.add(`${hasher.high}:${hasher.low}`);
    hasher.series('ab', '["c","d"]');
    add();
    hasher.series('a', 'b["c","d"]');
    add();
    hasher.series('ab', '["c","d"]');
    hasher.withTime(1);
    add();
    hasher.series('ab', '["c","d"]');
    hasher.withTime(2 ** 32 + 1);
    add();
    expect(seen.size).toBe(4);
  });
});

describe('RepeatFinder and LaterRowsOnly', () => {
  it('name the row a repeat replaces, count series and samples, and hand on each sample from its last row only', () => {
    const finder = new RepeatFinder(true);
    const file = finder.fileIndex('a.csv');
    const rows: [string, Record<string, string>, number, number, number][] = [
      // family, labels, value, line, time
      ['m', { host: 'a' }, 1, 2, 1000],
      ['m', { host: 'a' }, 2, 3, 2000],
      ['m', { host: 'a' }, 3, 4, 1000],
      ['m', { host: 'b' }, 4, 5, 1000],
      ['m', { host: 'a' }, 5, 6, 1000],
    ];
    const replaced = rows.map(([name, labels, value, line, time]) => finder.set(finder.family(name), labelSet(labels), value, file, line, time));
    expect(replaced).toEqual([undefined, undefined, { file: 'a.csv', line: 2 }, undefined, { file: 'a.csv', line: 4 }]);
    const { last, ...counts } = finder.finish();
    expect(counts).toEqual({ series: 2, samples: 3, metrics: ['m'] });
    expect(last).toBeDefined();

    const handed: [number, number][] = [];
    const inner: RowSink<string> = {
      family: (name) => name,
      fileIndex: () => 0,
      set: (_family, _labels, value, _file, line): SampleOrigin | undefined => {
        handed.push([line, value]);
        return undefined;
      },
    };
    const later = new LaterRowsOnly(inner, last as NonNullable<typeof last>);
    const again = later.fileIndex('a.csv');
    for (const [name, labels, value, line, time] of rows) later.set(later.family(name, ''), labelSet(labels), value, again, line, time);
    expect(handed).toEqual([[3, 2], [5, 4], [6, 5]]);
  });

  it('without repeats gives the second reading nothing to look up', () => {
    const finder = new RepeatFinder(false);
    const file = finder.fileIndex('b.csv');
    finder.set(finder.family('m'), labelSet({ host: 'a' }), 1, file, 2, undefined);
    finder.set(finder.family('m'), labelSet({ host: 'b' }), 1, file, 3, undefined);
    expect(finder.finish()).toEqual({ series: 2, samples: 2, metrics: ['m'], last: undefined });
  });
});
