import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { measurePeakRss } from '../helpers/peak-rss.js';
import { useGateway } from '../helpers/pushgateway.js';
import { runInTerminal } from '../helpers/terminal.js';

const { gateway, uniqueJob } = useGateway();

const ROWS = 1_000_000;
const KEPT = 1_000;
const FILE = 'million_rows_mostly_empty_values.csv';
const dir = mkdtempSync(join(tmpdir(), 'csv-push-large-'));

/** A package list of a million rows, every thousandth with a size, the rest with an empty size cell. */
async function writeMostlyEmptyValues(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('package,size\n');
  const batch: string[] = [];
  for (let row = 1; row <= ROWS; row++) {
    batch.push(row % (ROWS / KEPT) === 0 ? `pkg-${row},${row}\n` : `pkg-${row},\n`);
    if (batch.length === 10_000) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch.length = 0;
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
}

beforeAll(async () => {
  await writeMostlyEmptyValues(join(dir, FILE));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const childEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };

describe('a file of a million rows, all but a thousand skipped', () => {
  // Not a timed test: peak RSS is the kernel's count for the child, whatever the machine's load.
  it('stays under 150 MB peak RSS, with and without --json, listing only the first skipped rows', async () => {
    const peaks: Record<string, number> = {};
    for (const json of [false, true]) {
      const job = uniqueJob();
      const run = await measurePeakRss([process.execPath, BIN, FILE, '-j', job, '-g', gateway.url, '--value-column', 'size', '--timeout', '60', ...(json ? ['--json'] : [])], {
        dir,
        cwd: dir,
        env: childEnv,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      peaks[json ? 'json' : 'plain'] = run.peakRssMb;
      expect(run.peakRssMb, `peak RSS ${json ? 'with' : 'without'} --json`).toBeLessThan(150);
      expect((await gateway.group({ job }))?.metrics[`million_rows_mostly_empty_values_size`]?.samples).toHaveLength(KEPT);
      // Not a terminal: no progress line, ever.
      expect(run.stderr).not.toContain('reading ');
      if (json) {
        const summary = JSON.parse(run.stdout);
        expect(summary).toMatchObject({
          rowsRead: ROWS,
          seriesPushed: KEPT,
          rowsSkipped: ROWS - KEPT,
          skippedByReason: { emptyValue: ROWS - KEPT, notANumber: 0, wrongColumnCount: 0, noMetricName: 0 },
          skippedNotListed: ROWS - KEPT - 100,
        });
        expect(summary.skipped).toHaveLength(100);
        expect(summary.skipped[0]).toMatchObject({ file: FILE, line: 2, kind: 'emptyValue' });
        expect(run.stdout.length).toBeLessThan(64 * 1024);
      } else {
        expect(run.stderr.match(/^warning: .*; row skipped$/gm)).toHaveLength(20);
        expect(run.stderr).toContain(
          `warning: ${ROWS - KEPT - 20} more row warnings not shown; rows skipped: ${ROWS - KEPT} with an empty value cell (--verbose or --json lists the first of each kind, with counts by reason)`,
        );
        expect(run.stderr).toContain(`✔ pushed 1,000 series from 1,000,000 rows, 999,000 rows skipped to ${gateway.url}`);
      }
    }
    // Shown in the test output, for the record.
    console.log(`peak RSS, ${ROWS} rows with ${ROWS - KEPT} empty value cells: ${peaks.plain?.toFixed(1)} MB, with --json ${peaks.json?.toFixed(1)} MB`);
  }, 180_000);

  it('shows a progress line in a terminal, replaced by the summary; none under CI, with -q or in a pipe', async () => {
    const job = uniqueJob();
    const args = [process.execPath, BIN, FILE, '-j', job, '-g', gateway.url, '--value-column', 'size', '--timeout', '60'];
    const shown = await runInTerminal(args, { cwd: dir, env: childEnv, timeoutMs: 120_000 });
    expect(shown.exitCode).toBe(0);
    expect(shown.raw).toMatch(/reading million_rows_mostly_empty_values\.csv: [\d,]+ rows, \d+% of 11\.\d MB, [\d,]+ rows\/s, \d/);
    // The line is cleared, and the warnings and summary take its place on the screen.
    expect(shown.screen).not.toContain('reading million_rows');
    expect(shown.screen).toContain('✔ pushed 1,000 series from 1,000,000 rows, 999,000 rows skipped');

    for (const [label, env, extra] of [
      ['CI=true', { ...childEnv, CI: 'true' }, []],
      ['-q', childEnv, ['-q']],
    ] as const) {
      const hidden = await runInTerminal([...args, ...extra], { cwd: dir, env, timeoutMs: 120_000 });
      expect(hidden.exitCode, label).toBe(0);
      expect(hidden.raw, label).not.toContain('reading ');
    }
    const piped = await runCli([FILE, '-j', job, '-g', gateway.url, '--value-column', 'size', '--timeout', '60'], { cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain('reading ');
  }, 300_000);
});

describe('100,000 rows, every one a series of its own (the bench file)', () => {
  // Node.js 24 grew its young generation to 128 MB on this file and peaked at 331 MB (Node.js 20
  // and 22: 207 to 211 MB); src/cli.ts holds it at the size it has for inputs over 1 MB. The bound
  // is 240 MB on every version: above what 20 and 22 take, far below what 24 took.
  it('stays under 240 MB peak RSS on every Node.js version, and lands every series', async () => {
    const file = join(dir, 'rows_100000.csv');
    const lines = ['host,region,service,shard'];
    for (let index = 0; index < 100_000; index++) lines.push(`host-${index % 997},region-${index % 13},svc-${index % 101},${index}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const job = uniqueJob();
    const run = await measurePeakRss([process.execPath, BIN, file, '-j', job, '-g', gateway.url, '--metric', 'bench_rows', '--timeout', '120', '-q'], { dir, cwd: dir, env: childEnv });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await gateway.group({ job }))?.metrics.bench_rows?.samples).toHaveLength(100_000);
    console.log(`peak RSS, 100,000 unique rows, Node.js ${process.versions.node}: ${run.peakRssMb.toFixed(1)} MB`);
    expect(run.peakRssMb).toBeLessThan(240);
  }, 180_000);
});
