import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBinary, startLocalPrometheus } from '../../scripts/local-services.mjs';
import { runCli } from '../helpers/cli.js';
import { queryPrometheus, usePrometheus } from '../helpers/receivers.js';

// Issue 20, item 2: dated rows into Prometheus by backfill. Remote write cannot take them.

const work = mkdtempSync(join(tmpdir(), 'csv-push-history-'));
// Out of order, two series; line 6 repeats line 3 (a on 2 March): its 21 wins.
writeFileSync(
  join(work, 'cases.csv'),
  ['host,day,cases', 'b,2020-03-03,30', 'a,2020-03-02,20', 'a,2020-03-01,10', 'b,2020-03-01,11', 'a,2020-03-02,21', 'b,2020-03-02T12:00:00.250Z,12.5', ''].join('\n'),
);
const day = (date: string) => Date.parse(date.includes('T') ? date : `${date}T00:00:00Z`);
const EXPECTED: [string, string, number][] = [
  ['a', '2020-03-01', 10],
  ['a', '2020-03-02', 21],
  ['b', '2020-03-01', 11],
  ['b', '2020-03-02T12:00:00.250Z', 12.5],
  ['b', '2020-03-03', 30],
];

describe('--openmetrics: history for Prometheus through promtool', () => {
  it('rows dated 2020, out of order, are backfilled and read back at their instants', async () => {
    requireBinary('promtool', 'prometheus');
    const file = join(work, 'cases.om');
    const result = await runCli(['cases.csv', '--openmetrics', file, '--value-column', 'cases', '--timestamp-column', 'day', '--job', 'covid'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      "warning: cases.csv:6: same labels and time as line 3; this row's value replaces it\n" +
        `✔ wrote 5 samples of 2 series from 6 rows, 1 duplicate to ${file} with {job="covid"} in ${/in (\d+ ms|[\d.]+ s)\n$/.exec(result.stderr)?.[1]}\n`,
    );
    // Each series together, in time order, times in seconds, one sample per time, # EOF last.
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '# TYPE cases_cases gauge',
        '# HELP cases_cases Column cases of the CSV rows pushed by csv-push.',
        'cases_cases{host="b",job="covid"} 11 1583020800',
        'cases_cases{host="b",job="covid"} 12.5 1583150400.25',
        'cases_cases{host="b",job="covid"} 30 1583193600',
        'cases_cases{host="a",job="covid"} 10 1583020800',
        'cases_cases{host="a",job="covid"} 21 1583107200',
        '# EOF',
        '',
      ].join('\n'),
    );
    const data = join(work, 'data');
    const blocks = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, data], { encoding: 'utf8' });
    expect(blocks.status, blocks.stderr).toBe(0);
    // Without a long retention, Prometheus deletes blocks this old as soon as it opens them.
    const prometheus = await startLocalPrometheus({ dataDirectory: data, args: ['--storage.tsdb.retention.time=10y'] });
    try {
      for (const [host, date, value] of EXPECTED) {
        const at = day(date);
        const found = await queryPrometheus(prometheus.url, `cases_cases{host="${host}"}`, at);
        expect(found, `${host} at ${date}`).toEqual([{ labels: { __name__: 'cases_cases', host, job: 'covid' }, value, timestampMs: at }]);
      }
    } finally {
      await prometheus.stop();
    }
  });

  it('--dry-run prints the file and writes nothing', async () => {
    const file = join(work, 'never.om');
    const result = await runCli(['cases.csv', '--openmetrics', file, '--value-column', 'cases', '--timestamp-column', 'day', '--dry-run'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# TYPE cases_cases gauge\n[^]*\ncases_cases\{host="a"\} 21 1583107200\n# EOF\n$/);
    expect(result.stderr).toContain(`dry run: 5 samples of 2 series from 6 rows, 1 duplicate would be written to ${file}; nothing was written`);
    expect(spawnSync('test', ['-e', file]).status).toBe(1);
  });

  it('without --timestamp-column: a usage error of one line, exit 2', async () => {
    const result = await runCli(['cases.csv', '--openmetrics', 'out.om', '--value-column', 'cases'], { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: --openmetrics out.om writes each row's time for promtool's backfill; name the column holding it: --timestamp-column <column>\n(run csv-push --help for usage)\n",
    );
  });

  it('--strict holds the file back when a row repeats, writing nothing', async () => {
    const file = join(work, 'strict.om');
    const result = await runCli(['cases.csv', '--openmetrics', file, '--value-column', 'cases', '--timestamp-column', 'day', '--strict'], { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: --strict: 1 row(s) repeat an earlier row's labels; nothing was written");
    expect(spawnSync('test', ['-e', file]).status).toBe(1);
  });
});

describe('remote write of history to Prometheus', () => {
  const prometheus = usePrometheus();

  it('a 2020 row is refused as out of bounds: exit 1, and the message names --openmetrics', async () => {
    // A sample of now first: Prometheus' head then takes nothing older than about an hour before it.
    writeFileSync(join(work, 'now.csv'), `host,v\na,1\n`);
    const now = await runCli(['now.csv', '--remote-write', prometheus.current().url, '--value-column', 'v'], { cwd: work });
    expect(now.code, now.stderr).toBe(0);
    const old = await runCli(['cases.csv', '--remote-write', prometheus.current().url, '--value-column', 'cases', '--timestamp-column', 'day'], { cwd: work });
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(
      /error: the remote-write receiver refused POST \S+ with HTTP 400 Bad Request: out of bounds: Prometheus takes no samples older than the ones it holds by remote write; write history with --openmetrics FILE --timestamp-column <column> and load it with promtool tsdb create-blocks-from openmetrics \(docs\/history\.md\)\n$/,
    );
  });
});
