import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { measurePeakRss } from '../helpers/peak-rss.js';
import { exportVictoriaMetrics, useVictoriaMetrics } from '../helpers/receivers.js';

// Issue 20: finding repeats costs bounded memory. A million distinct series by remote write stay
// under the 150 MB the other large files are held to; --openmetrics holds every sample until it
// writes, and is held to its documented bound (docs/history.md) at a smaller size.
// Not timed tests: peak RSS is the kernel's count for the child, whatever the machine's load.

const dir = mkdtempSync(join(tmpdir(), 'csv-push-large-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const childEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };

/** Rows of distinct series (host, shard), each tenth of `repeatEvery` rows repeating the row 50 before it, with its own value. */
async function writeSeries(path: string, rows: number, repeatEvery: number, withTime: boolean): Promise<number[]> {
  const out = createWriteStream(path);
  out.write(withTime ? 'host,shard,time,value\n' : 'host,shard,value\n');
  const repeatedShards: number[] = [];
  const batch: string[] = [];
  for (let row = 1; row <= rows; row++) {
    const repeats = row % repeatEvery === 0;
    const shard = repeats ? row - 50 : row;
    if (repeats) repeatedShards.push(shard);
    batch.push(`host-${shard % 1000},s${shard},${withTime ? `${1577836800 + (shard % 1440) * 60},` : ''}${row}\n`);
    if (batch.length === 10_000) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch.length = 0;
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
  return repeatedShards;
}

describe('remote write of a million distinct series, ten of them repeated', () => {
  const victoria = useVictoriaMetrics();

  it('stays under 150 MB peak RSS, warns of the repeats and stores their later values', async () => {
    const rows = 1_000_000;
    const repeated = await writeSeries(join(dir, 'million_series.csv'), rows, 100_000, false);
    const run = await measurePeakRss(
      [process.execPath, BIN, 'million_series.csv', '--remote-write', victoria.current().url, '--value-column', 'value', '--timeout', '120', '--json'],
      { dir, cwd: dir, env: childEnv },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    console.log(`peak RSS, remote write of ${rows} rows (${rows - repeated.length} series): ${run.peakRssMb.toFixed(1)} MB`);
    expect(run.peakRssMb).toBeLessThan(150);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, rowsRead: rows, series: rows - repeated.length, samples: rows - repeated.length, samplesPushed: rows - repeated.length, duplicateRows: repeated.length });
    expect(run.stderr).toContain(`million_series.csv:${100_000 + 1}: same labels as line ${100_000 - 50 + 1}; this row's value replaces it`);
    const selector = `{__name__="million_series_value",shard=~"${repeated.map((shard) => `s${shard}`).join('|')}"}`;
    const stored = await exportVictoriaMetrics(victoria.current().url, selector, repeated.length);
    // The later row's value (its row number), one sample each.
    expect(stored.map((sample) => [sample.labels.shard, sample.value]).sort()).toEqual(repeated.map((shard) => [`s${shard}`, shard + 50]).sort());
  }, 600_000);
});

describe('--openmetrics of 200,000 distinct series', () => {
  it('stays within its documented bound: 100 MB and 300 bytes a series', async () => {
    const rows = 200_000;
    const repeated = await writeSeries(join(dir, 'many_series.csv'), rows, 50_000, true);
    const run = await measurePeakRss(
      [process.execPath, BIN, 'many_series.csv', '--openmetrics', join(dir, 'many_series.om'), '--timestamp-column', 'time', '--value-column', 'value'],
      { dir, cwd: dir, env: childEnv },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    console.log(`peak RSS, --openmetrics of ${rows} rows: ${run.peakRssMb.toFixed(1)} MB`);
    expect(run.peakRssMb).toBeLessThan(100 + (300 * rows) / 1e6);
    const text = readFileSync(join(dir, 'many_series.om'), 'utf8');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text.split('\n').length).toBe(rows - repeated.length + 4);
  }, 600_000);
});
