import { describe, expect, it } from 'vitest';
import { expositionBody, renderExposition } from '../../src/metrics/exposition.js';
import { LabelRenderer, SeriesSet } from '../../src/metrics/series-set.js';

describe('renderExposition', () => {
  it('escapes label values and help text the way the text format wants', () => {
    const set = new SeriesSet();
    set.family('m', 'help with \\ and\nnewline').set(new LabelRenderer(['a']).render(['q"\\\nz'], [0]), 1.5, 2, 0);
    expect(renderExposition(set)).toBe('# HELP m help with \\\\ and\\nnewline\n# TYPE m gauge\nm{a="q\\"\\\\\\nz"} 1.5\n');
  });

  it("keeps series apart that prom-client's label hash would merge", () => {
    const set = new SeriesSet();
    const family = set.family('m', 'h');
    const labels = new LabelRenderer(['a', 'b']);
    // prom-client hashes both of these to "a:1,b:2,b:3,".
    family.set(labels.render(['1,b:2', '3'], [0, 1]), 1, 2, 0);
    family.set(labels.render(['1', '2,b:3'], [0, 1]), 2, 3, 0);
    expect(set.seriesCount).toBe(2);
    expect(renderExposition(set)).toContain('m{a="1",b="2,b:3"} 2');
  });

  it('lets a later row with the same labels win and names the row it replaced', () => {
    const set = new SeriesSet();
    const first = set.fileIndex('t.csv');
    const second = set.fileIndex('u.csv');
    const family = set.family('m', 'h');
    expect(family.set('{a="x"}', 1, 2, first)).toBeUndefined();
    expect(family.set('{a="x"}', 5, 9, second)).toEqual({ file: 't.csv', line: 2 });
    expect(family.set('{a="x"}', 6, 10, second)).toEqual({ file: 'u.csv', line: 9 });
    expect(family.size).toBe(1);
    expect(renderExposition(set)).toBe('# HELP m h\n# TYPE m gauge\nm{a="x"} 6\n');
  });

  it('renders gauges without labels, and a header-only gauge, as prom-client does', () => {
    const set = new SeriesSet();
    set.family('empty', 'no rows');
    set.family('bare', 'h').set(new LabelRenderer([]).render(['7'], []), Number.NaN, 2, 0);
    expect(renderExposition(set)).toBe('# HELP empty no rows\n# TYPE empty gauge\n\n# HELP bare h\n# TYPE bare gauge\nbare Nan\n');
  });

  it('ends every chunk but the last inside a line, so an upload cut between them is refused', () => {
    const set = new SeriesSet();
    const family = set.family('wide', 'h');
    const labels = new LabelRenderer(['i', 'padding']);
    for (let index = 0; index < 50_000; index++) family.set(labels.render([`${index}`, 'x'.repeat(40)], [0, 1]), index, index + 2, 0);
    const chunks = Array.from(expositionBody(set).chunks());
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.at(-1)).not.toBe(0x0a);
    expect(chunks.at(-1)?.at(-1)).toBe(0x0a);
    expect(Buffer.concat(chunks).toString()).toBe(renderExposition(set));
  });

  it('splits a large body into chunks that join to the same text', () => {
    const set = new SeriesSet();
    const family = set.family('big', 'h');
    const labels = new LabelRenderer(['i']);
    for (let index = 0; index < 20_000; index++) family.set(labels.render([`${index}`], [0]), index, index + 2, 0);
    const text = renderExposition(set);
    expect(text.split('\n')).toHaveLength(20_000 + 3);
    expect(text.endsWith('big{i="19999"} 19999\n')).toBe(true);
  });
});
