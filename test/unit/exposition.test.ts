import { describe, expect, it } from 'vitest';
import { renderExposition } from '../../src/metrics/exposition.js';
import { LabelRenderer, SeriesSet } from '../../src/metrics/series-set.js';

const origin = { file: 't.csv', line: 2 };

describe('renderExposition', () => {
  it('escapes label values and help text the way the text format wants', () => {
    const set = new SeriesSet();
    set.family('m', 'help with \\ and\nnewline').set(new LabelRenderer(['a']).render(['q"\\\nz'], [0]), 1.5, origin);
    expect(renderExposition(set)).toBe('# HELP m help with \\\\ and\\nnewline\n# TYPE m gauge\nm{a="q\\"\\\\\\nz"} 1.5\n');
  });

  it('keeps series apart that prom-client\'s label hash would merge', () => {
    const set = new SeriesSet();
    const family = set.family('m', 'h');
    const labels = new LabelRenderer(['a', 'b']);
    // prom-client hashes both of these to "a:1,b:2,b:3,".
    family.set(labels.render(['1,b:2', '3'], [0, 1]), 1, origin);
    family.set(labels.render(['1', '2,b:3'], [0, 1]), 2, origin);
    expect(set.seriesCount).toBe(2);
    expect(renderExposition(set)).toContain('m{a="1",b="2,b:3"} 2');
  });

  it('lets a later row with the same labels win and names the row it replaced', () => {
    const set = new SeriesSet();
    const family = set.family('m', 'h');
    expect(family.set('{a="x"}', 1, { file: 't.csv', line: 2 })).toBeUndefined();
    expect(family.set('{a="x"}', 5, { file: 'u.csv', line: 9 })).toEqual({ file: 't.csv', line: 2 });
    expect(family.set('{a="x"}', 6, { file: 'u.csv', line: 10 })).toEqual({ file: 'u.csv', line: 9 });
    expect(Array.from(family.series())).toEqual([['{a="x"}', 6]]);
  });

  it('renders gauges without labels, and a header-only gauge, as prom-client does', () => {
    const set = new SeriesSet();
    set.family('empty', 'no rows');
    set.family('bare', 'h').set(new LabelRenderer([]).render(['7'], []), Number.NaN, origin);
    expect(renderExposition(set)).toBe('# HELP empty no rows\n# TYPE empty gauge\n\n# HELP bare h\n# TYPE bare gauge\nbare Nan\n');
  });
});
