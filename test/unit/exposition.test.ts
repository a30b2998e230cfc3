import { describe, expect, it } from 'vitest';
import { renderExposition } from '../../src/metrics/exposition.js';
import { SeriesSet } from '../../src/metrics/series-set.js';

const origin = { file: 't.csv', line: 2 };

describe('renderExposition', () => {
  it('escapes label values and help text the way the text format wants', async () => {
    const set = new SeriesSet();
    set.family('m', 'help with \\ and\nnewline').set(['a'], ['q"\\\nz'], 1.5, origin);
    expect(await renderExposition(set)).toBe('# HELP m help with \\\\ and\\nnewline\n# TYPE m gauge\nm{a="q\\"\\\\\\nz"} 1.5\n');
  });

  it('keeps series apart that prom-client\'s label hash would merge', async () => {
    const set = new SeriesSet();
    const family = set.family('m', 'h');
    // prom-client hashes both of these to "a:1,b:2,b:3,".
    family.set(['a', 'b'], ['1,b:2', '3'], 1, origin);
    family.set(['a', 'b'], ['1', '2,b:3'], 2, origin);
    expect(set.seriesCount).toBe(2);
    expect(await renderExposition(set)).toContain('m{a="1",b="2,b:3"} 2');
  });

  it('lets a later row with the same labels win and names the row it replaced', () => {
    const set = new SeriesSet();
    const family = set.family('m', 'h');
    expect(family.set(['a'], ['x'], 1, { file: 't.csv', line: 2 })).toBeUndefined();
    expect(family.set(['a'], ['x'], 5, { file: 't.csv', line: 9 })).toEqual({ file: 't.csv', line: 2 });
    expect(Array.from(family.samples())).toEqual([{ labels: { a: 'x' }, value: 5, origin: { file: 't.csv', line: 9 } }]);
  });
});
