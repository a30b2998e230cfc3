import { describe, expect, it } from 'vitest';
import { expositionBody } from '../../src/metrics/body.js';
import { GaugeRegistry, LabelSetBuilder } from '../../src/metrics/gauges.js';

describe('GaugeRegistry (prom-client holds the gauges)', () => {
  it('renders what prom-client renders, a later row with the same labels winning and naming the row it replaced', async () => {
    const gauges = new GaugeRegistry();
    await gauges.declareLabelNames(['host', 'note']);
    const file = gauges.fileIndex('f.csv');
    const family = gauges.family('disk_used', 'Disk used.');
    const labels = new LabelSetBuilder(['host', 'note'], [0, 1]);
    expect(gauges.set(family, labels.build(['a', 'say "hi"\\\n']), 1, file, 2)).toBeUndefined();
    expect(gauges.set(family, labels.build(['a', 'say "hi"\\\n']), 5, file, 7)).toEqual({ file: 'f.csv', line: 2 });
    expect(gauges.seriesCount).toBe(1);
    expect(await gauges.render()).toBe('# HELP disk_used Disk used.\n# TYPE disk_used gauge\ndisk_used{host="a",note="say \\"hi\\"\\\\\\n"} 5\n');
  });

  it('leaves empty label values out: an empty value is the same series as no label', async () => {
    const gauges = new GaugeRegistry();
    await gauges.declareLabelNames(['host', 'zone']);
    const family = gauges.family('m', 'help');
    const file = gauges.fileIndex('a.csv');
    gauges.set(family, new LabelSetBuilder(['host', 'zone'], [0, 1]).build(['x', '']), 1, file, 2);
    const replaced = gauges.set(family, new LabelSetBuilder(['host'], [0]).build(['x']), 2, gauges.fileIndex('b.csv'), 2);
    expect(replaced).toEqual({ file: 'a.csv', line: 2 });
    expect(await gauges.render()).toBe('# HELP m help\n# TYPE m gauge\nm{host="x"} 2\n');
  });

  it('keys label sets by name, whatever the column order', () => {
    const byHostZone = new LabelSetBuilder(['host', 'zone'], [0, 1]).build(['x', 'eu']);
    const byZoneHost = new LabelSetBuilder(['zone', 'host'], [0, 1]).build(['eu', 'x']);
    expect(byHostZone.key).toBe(byZoneHost.key);
    expect(Object.keys(byZoneHost.labels)).toEqual(['zone', 'host']);
  });

  it('refuses label sets that prom-client would store as one series, naming both rows', async () => {
    const gauges = new GaugeRegistry();
    await gauges.declareLabelNames(['a', 'b']);
    const family = gauges.family('m', 'help');
    const file = gauges.fileIndex('f.csv');
    const labels = new LabelSetBuilder(['a', 'b'], [0, 1]);
    const first = labels.build(['x,b:y', 'z']);
    const second = labels.build(['x', 'y,b:z']);
    expect(first.key).not.toBe(second.key);
    expect(gauges.set(family, first, 1, file, 2)).toBeUndefined();
    expect(gauges.set(family, second, 1, file, 9)).toBeUndefined();
    await expect(gauges.refuseMergedSeries()).rejects.toThrow(
      'f.csv:9: the labels of this row differ from those of line 2, but prom-client would store both as one series of m',
    );
  });

  it('widens gauges when a later file brings new label names, keeping their values and order', async () => {
    const gauges = new GaugeRegistry();
    await gauges.declareLabelNames(['host']);
    const first = gauges.family('first', 'h');
    const second = gauges.family('second', 'h');
    gauges.set(first, new LabelSetBuilder(['host'], [0]).build(['a']), 1, 0, 2);
    gauges.set(second, new LabelSetBuilder(['host'], [0]).build(['b']), 2, 0, 3);
    await gauges.declareLabelNames(['host', 'region']);
    gauges.set(first, new LabelSetBuilder(['host', 'region'], [0, 1]).build(['c', 'eu']), 3, 1, 2);
    expect(await gauges.render()).toBe(
      '# HELP first h\n# TYPE first gauge\nfirst{host="a"} 1\nfirst{host="c",region="eu"} 3\n\n# HELP second h\n# TYPE second gauge\nsecond{host="b"} 2\n',
    );
  });

  it('a gauge without labels holds no sample until a row sets one (prom-client starts it at 0)', async () => {
    const gauges = new GaugeRegistry();
    gauges.family('lonely', 'h');
    expect(await gauges.render()).toBe('# HELP lonely h\n# TYPE lonely gauge\n');
    gauges.set(gauges.family('lonely', 'h'), new LabelSetBuilder([], []).build([]), 4, 0, 2);
    expect(await gauges.render()).toBe('# HELP lonely h\n# TYPE lonely gauge\nlonely 4\n');
  });
});

describe('expositionBody', () => {
  it('cuts a large text into chunks that each end just before a newline and join to the same text', () => {
    const lines = Array.from({ length: 60_000 }, (_, index) => `series_${index}{host="h${index}"} ${index}`);
    const text = `${lines.join('\n')}\n`;
    const chunks = Array.from(expositionBody(text, 'text/plain').chunks());
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text);
    for (const chunk of chunks.slice(0, -1)) expect(chunk[chunk.length - 1]).not.toBe(0x0a);
    for (const chunk of chunks.slice(1)) expect(chunk[0]).toBe(0x0a);
  });
});
