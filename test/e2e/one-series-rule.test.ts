import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBinary, startLocalPrometheus } from '../../scripts/local-services.mjs';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';
import { exportVictoriaMetrics, queryPrometheus, usePrometheus, useVictoriaMetrics } from '../helpers/receivers.js';

// Issue 20, item 1: one file with a repeated label set gives the same values on every
// destination: the later row's, with the same warning naming the lines.

const work = mkdtempSync(join(tmpdir(), 'csv-push-one-series-rule-'));
// Ten minutes ago, whole seconds: recent enough for a fresh Prometheus' head, exact in every format.
const at = Math.floor((Date.now() - 600_000) / 1000) * 1000;
const time = new Date(at).toISOString();
const csv = 'dup.csv';
// Line 4 repeats line 2's labels (and time): its 2 wins, as the Pushgateway keeps it.
writeFileSync(join(work, csv), `host,time,v\na,${time},1\nb,${time},3\na,${time},2\n`);
const WARNING = 'warning: dup.csv:4: same labels as line 2; this row\'s value replaces it\n';
// With a time column, a repeat is the same labels at the same time.
const TIMED_WARNING = 'warning: dup.csv:4: same labels and time as line 2; this row\'s value replaces it\n';
const EXPECTED = { a: 2, b: 3 };

const byHost = (samples: readonly { labels: Record<string, string>; value: number }[]) =>
  Object.fromEntries(samples.map((sample) => [sample.labels.host, sample.value]).sort());

describe('one series rule on every destination', () => {
  const { gateway, uniqueJob } = useGateway();
  const prometheus = usePrometheus();
  const victoria = useVictoriaMetrics();

  it('the Pushgateway keeps the later row, warning of it', async () => {
    const job = uniqueJob();
    const result = await runCli([csv, '--job', job, '--value-column', 'v', '--ignore-column', 'time', '-g', gateway.url], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(WARNING);
    expect(result.stderr).toContain('pushed 2 series from 3 rows, 1 duplicate');
    const group = await gateway.group({ job });
    expect(byHost(group?.metrics.dup_v?.samples ?? [])).toEqual(EXPECTED);
  });

  it('--textfile holds the later row', async () => {
    const target = join(work, 'dup.prom');
    const result = await runCli([csv, '--textfile', target, '--value-column', 'v', '--ignore-column', 'time'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(WARNING);
    expect(readFileSync(target, 'utf8').split('\n').filter((line) => line.startsWith('dup_v{'))).toEqual(['dup_v{host="a"} 2', 'dup_v{host="b"} 3']);
  });

  it('--remote-write to VictoriaMetrics sends only the later row, across batches, and counts series and samples', async () => {
    const result = await runCli([csv, '--remote-write', victoria.current().url, '--value-column', 'v', '--timestamp-column', 'time', '--batch-size', '1', '--json'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(TIMED_WARNING);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true, series: 2, samples: 2, seriesPushed: 2, samplesPushed: 2, batches: 2, duplicateRows: 1,
      duplicates: [{ file: csv, line: 4, replacedFile: csv, replacedLine: 2 }],
    });
    // VictoriaMetrics would keep both samples of a repeated time: one each is what was sent.
    const stored = await exportVictoriaMetrics(victoria.current().url, '{__name__="dup_v"}', 2);
    expect(stored.map((sample) => sample.timestampMs)).toEqual([at, at]);
    expect(byHost(stored)).toEqual(EXPECTED);
    expect(stored).toHaveLength(2);
  });

  it('--remote-write to Prometheus: the repeat in a later batch is no refusal, and Prometheus holds the later value', async () => {
    const result = await runCli([csv, '--remote-write', prometheus.current().url, '--value-column', 'v', '--timestamp-column', 'time', '--batch-size', '1'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(TIMED_WARNING);
    expect(result.stderr).toMatch(/✔ sent 2 series from 3 rows, 1 duplicate in 2 batches to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write in \d+ ms\n/);
    expect(byHost(await queryPrometheus(prometheus.current().url, 'dup_v', at))).toEqual(EXPECTED);
  });

  it('--openmetrics, backfilled by promtool into a Prometheus, holds the later value', async () => {
    requireBinary('promtool', 'prometheus');
    const file = join(work, 'dup.om');
    const result = await runCli([csv, '--openmetrics', file, '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(TIMED_WARNING);
    expect(result.stderr).toContain(`✔ wrote 2 series from 3 rows, 1 duplicate to ${file}`);
    const data = mkdtempSync(join(tmpdir(), 'csv-push-one-series-rule-tsdb-'));
    const blocks = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, data], { encoding: 'utf8' });
    expect(blocks.status, blocks.stderr).toBe(0);
    const backfilled = await startLocalPrometheus({ dataDirectory: data, args: ['--storage.tsdb.retention.time=10y'] });
    try {
      expect(byHost(await queryPrometheus(backfilled.url, 'dup_v', at))).toEqual(EXPECTED);
    } finally {
      await backfilled.stop();
    }
  });

  it('reads standard input twice by a copy of it, and leaves no copy behind', async () => {
    const input = readFileSync(join(work, csv), 'utf8');
    const tmp = mkdtempSync(join(tmpdir(), 'csv-push-stdin-copy-'));
    const result = await runCli(['-', '--metric', 'dup_stdin', '--remote-write', victoria.current().url, '--value-column', 'v', '--timestamp-column', 'time'], { input, env: { TMPDIR: tmp } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: standard input:4: same labels and time as line 2');
    expect(byHost(await exportVictoriaMetrics(victoria.current().url, '{__name__="dup_stdin_v"}', 2))).toEqual(EXPECTED);
    // Node.js keeps its own compile cache in TMPDIR too (bin/csv-push.js enables it): only our copies count.
    const left = readdirSync(tmp).filter((name) => name !== 'node-compile-cache');
    expect(left).toEqual([]);
  });
});
