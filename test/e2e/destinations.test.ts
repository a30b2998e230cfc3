import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPrometheus, type LocalService } from '../../scripts/local-services.mjs';
import { runCli } from '../helpers/cli.js';
import { answer, startFaultServer } from '../helpers/fault-server.js';
import { getText } from '../helpers/http-get.js';
import {
  expectOneRunTime,
  exportVictoriaMetrics,
  queryPrometheus,
  scrapeNodeExporter,
  useNodeExporter,
  usePrometheus,
  useVictoriaMetrics,
} from '../helpers/receivers.js';
import { bcryptHash, makePki, pem, writeWebConfig } from '../helpers/tls.js';

const work = mkdtempSync(join(tmpdir(), 'csv-push-destinations-'));

describe('--textfile, read by a real node_exporter', () => {
  const textfiles = mkdtempSync(join(tmpdir(), 'csv-push-textfiles-'));
  const nodeExporter = useNodeExporter(textfiles);
  const target = join(textfiles, 'disk.prom');

  it('writes the gauges with job and --label on every series, and the next run replaces them', async () => {
    const result = await runCli(['disk-usage.csv', '--textfile', target, '--value-column', 'used_bytes', '--job', 'nightly', '-l', 'env=prod', '-l', 'team=']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^✔ wrote 2 series from 2 rows to ${target} with \\{job="nightly", env="prod"\\} in \\d+ ms\\n$`));
    const scrape = await scrapeNodeExporter(nodeExporter.current().url);
    expect(scrape).toContain('node_textfile_scrape_error 0\n');
    expect(scrape.split('\n').filter((line) => line.startsWith('disk_usage_used_bytes{'))).toEqual([
      'disk_usage_used_bytes{env="prod",job="nightly",mount="/"} 1000',
      'disk_usage_used_bytes{env="prod",job="nightly",mount="/home"} 2000',
    ]);

    writeFileSync(join(work, 'disk-usage.csv'), 'mount,used_bytes\n/srv,3000\n');
    const again = await runCli([join(work, 'disk-usage.csv'), '--textfile', target, '--value-column', 'used_bytes']);
    expect(again.code).toBe(0);
    const second = await scrapeNodeExporter(nodeExporter.current().url);
    // Without --job, no job label; yesterday's series are gone with the old file.
    expect(second.split('\n').filter((line) => line.startsWith('disk_usage_used_bytes{'))).toEqual(['disk_usage_used_bytes{mount="/srv"} 3000']);
    expect(readdirSync(textfiles)).toEqual(['disk.prom']);
  });

  it('--dry-run prints the file it would write and leaves the old one alone', async () => {
    const before = readFileSync(target, 'utf8');
    const result = await runCli(['example_data.csv', '--textfile', target, '--dry-run', '-j', 'preview']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '# HELP example_data One sample of value 1 per CSV row, pushed by csv-push.',
        '# TYPE example_data gauge',
        'example_data{name="foo",value="1",job="preview"} 1',
        'example_data{name="bar",value="2",job="preview"} 1',
        'example_data{name="baz",value="3",job="preview"} 1',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toContain(`dry run: 3 series from 4 rows, 1 row skipped would be written to ${target} with {job="preview"}; nothing was written`);
    expect(readFileSync(target, 'utf8')).toBe(before);
  });

  it('fails with exit 1 and the reason when the file cannot be written, and with exit 2 for a name node_exporter ignores', async () => {
    const missing = await runCli(['example_data.csv', '--textfile', join(textfiles, 'no-such-dir', 'x.prom'), '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: cannot write ${join(textfiles, 'no-such-dir', 'x.prom')}: the directory ${join(textfiles, 'no-such-dir')} does not exist`);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, action: 'textfile', seriesPushed: 0, error: { code: 'WRITE_FAILED', exitCode: 1 } });
    const wrongName = await runCli(['example_data.csv', '--textfile', join(textfiles, 'x.txt')]);
    expect(wrongName.code).toBe(2);
    expect(wrongName.stderr).toContain("the name must end in .prom, because node_exporter's textfile collector reads only *.prom files");
    expect(readdirSync(textfiles)).toEqual(['disk.prom']);
  });
});

describe('--remote-write to a real Prometheus', () => {
  const prometheus = usePrometheus();

  it('stores each row at the time of its --timestamp-column cell, skipping a row whose cell is no time', async () => {
    const result = await runCli([
      'timestamped_rows.csv', '--remote-write', `${prometheus.current().url}/api/v1/write`, '--timestamp-column', 'time',
      '--value-column', 'load', '--job', 'history', '-l', 'env=test', '--batch-size', '2', '--json',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: timestamped_rows.csv:6: column 2 ("time") holds "yesterday", not a time (use Unix seconds or milliseconds, a date such as 2024-05-01, or a date and time such as 2024-05-01 12:00:00 with Z, UTC or an offset such as +02:00; without one it is UTC); row skipped',
    );
    expect(result.stderr).toMatch(/✔ sent 4 series from 5 rows, 1 row skipped in 2 batches to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write with \{job="history", env="test"\} in /);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true, action: 'remote-write', seriesPushed: 4, series: 4, batches: 2, rowsSkipped: 1, status: 204, job: 'history', groupingLabels: { env: 'test' },
    });
    const noon = Date.UTC(2024, 4, 1, 12, 0, 0);
    const stored = await queryPrometheus(prometheus.current().url, 'timestamp(timestamped_rows_load) * 1000', noon + 120_000);
    expect(Object.fromEntries(stored.map((sample) => [sample.labels.host, sample.value]))).toEqual({
      'web-1': noon,
      'web-2': noon + 30_000,
      'web-3': noon + 60_000,
      'web-4': noon + 90_250,
    });
    const atNoon = await queryPrometheus(prometheus.current().url, 'timestamped_rows_load', noon);
    expect(atNoon).toEqual([{ labels: { __name__: 'timestamped_rows_load', env: 'test', host: 'web-1', job: 'history' }, value: 0.5, timestampMs: noon }]);
  });

  it('a row repeating one of an earlier batch sends only the later value; a sample stored by an earlier run with another value exits 1, saying so', async () => {
    const csv = join(work, 'repeated.csv');
    // One time for every row, from a time column: batches then go one at a time, in order.
    writeFileSync(csv, 'host,time,load\nweb-1,2024-05-01T13:00:00Z,1\nweb-2,2024-05-01T13:00:00Z,2\nweb-1,2024-05-01T13:00:00Z,3\n');
    const args = [csv, '--remote-write', `${prometheus.current().url}/api/v1/write`, '--value-column', 'load', '--timestamp-column', 'time', '--batch-size', '2', '--metric', 'repeated_rows'];
    const result = await runCli(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("repeated.csv:4: same labels and time as line 2; this row's value replaces it\n");
    const stored = await queryPrometheus(prometheus.current().url, 'repeated_rows_load', Date.UTC(2024, 4, 1, 13, 0, 0));
    expect(stored.map((sample) => [sample.labels.host, sample.value]).sort()).toEqual([['web-1', 3], ['web-2', 2]]);
    writeFileSync(csv, 'host,time,load\nweb-1,2024-05-01T13:00:00Z,9\n');
    const again = await runCli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /error: the remote-write receiver refused POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write with HTTP 400 Bad Request: duplicate sample for timestamp: the receiver already holds a sample of this series at this time with another value \(from an earlier run\?\), and keeps the first it stored\n/,
    );
  });
});

describe('--remote-write to a real VictoriaMetrics', () => {
  const victoria = useVictoriaMetrics();

  it('streams a file of many rows in batches; every row lands at the time of the run', async () => {
    const rows = 12_000;
    const csv = join(work, 'many_rows.csv');
    writeFileSync(csv, `host,shard\n${Array.from({ length: rows }, (_, index) => `host-${index % 97},${index}`).join('\n')}\n`);
    const before = Date.now();
    const result = await runCli([csv, '--remote-write', victoria.current().url.replace('http://', ''), '--batch-size', '1000', '--job', 'import', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, seriesPushed: rows, batches: 12, remoteWrite: `${victoria.current().url}/api/v1/write` });
    const stored = await exportVictoriaMetrics(victoria.current().url, '{__name__="many_rows"}', rows);
    expect(stored).toHaveLength(rows);
    expect(new Set(stored.map((sample) => sample.labels.shard)).size).toBe(rows);
    expect(stored.every((sample) => sample.labels.job === 'import' && sample.value === 1)).toBe(true);
    // One time for the whole run, taken when it started.
    expectOneRunTime(stored, before);
  });

  it('sends nothing when the file turns out broken midway (exit 2): every row is read before the first batch goes', async () => {
    const csv = join(work, 'broken_midway.csv');
    writeFileSync(csv, 'host,note\nweb-1,a\nweb-2,b\nweb-3,c\nweb-4,d\nweb-5,"never closed\nweb-6,e\n');
    const result = await runCli([csv, '--remote-write', victoria.current().url, '--batch-size', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: \S*broken_midway\.csv:6: [^\n]*\n$/);
    expect(result.stderr).not.toContain('stored');
    // A batch sent would be found here within a second or two.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await exportVictoriaMetrics(victoria.current().url, '{__name__="broken_midway"}', 0)).toEqual([]);
  });

  it('--dry-run reads and checks every row and sends nothing', async () => {
    const result = await runCli(['timestamped_rows.csv', '--remote-write', victoria.current().url, '--timestamp-column', 'time', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, action: 'dry-run', seriesPushed: 0, series: 4, rowsSkipped: 1, batches: 1 });
    expect(await exportVictoriaMetrics(victoria.current().url, '{__name__="timestamped_rows"}', 0)).toEqual([]);
    const strict = await runCli(['timestamped_rows.csv', '--remote-write', victoria.current().url, '--timestamp-column', 'time', '--dry-run', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('error: --strict: 1 row(s) would be skipped');
  });

  it('a file whose every row is skipped exits 2 and sends nothing, as a push and a dry run do; --max-skipped 100% lets it through', async () => {
    const url = victoria.current().url;
    const args = ['decimal_commas_all_skipped.csv', '--remote-write', url, '-m', 'all_skipped_rw', '--value-column', 'load'];
    const refused = await runCli([...args, '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error: decimal_commas_all_skipped.csv: all 2 data rows were skipped (2 with a value that is not a number), and there is nothing to send; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to send anyway',
    );
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, action: 'remote-write', rowsSkipped: 2, seriesPushed: 0, error: { code: 'SKIPPED_ROWS', exitCode: 2 } });
    const dryRun = await runCli([...args, '--dry-run']);
    expect(dryRun.code).toBe(2);
    const anyway = await runCli([...args, '--max-skipped', '100%']);
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(await exportVictoriaMetrics(url, '{__name__="all_skipped_rw"}', 0)).toEqual([]);
  });
});

describe('--remote-write over https with basic auth (a real Prometheus behind its web config)', () => {
  const pki = makePki();
  let prometheus: LocalService;
  const authorization = `Basic ${Buffer.from('alice:s3cret pw').toString('base64')}`;
  const read = { ca: pem(pki.caCert), headers: { authorization } };
  beforeAll(async () => {
    const config = writeWebConfig(
      pki.dir,
      'prometheus-web.yml',
      `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\nbasic_auth_users:\n  alice: ${bcryptHash('s3cret pw', pki.dir)}\n`,
    );
    prometheus = await startLocalPrometheus({ args: [`--web.config.file=${config}`], scheme: 'https', probe: (url) => getText(url, read) });
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('sends with --ca-file, --username and --password-file, and never prints the password', async () => {
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, 's3cret pw\n');
    const url = `${prometheus.url}/api/v1/write`;
    const result = await runCli(['example_data.csv', '--remote-write', url, '--ca-file', pki.caCert, '--username', 'alice', '--password-file', passwordFile, '--verbose', '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('s3cret');
    const stored = await queryPrometheus(prometheus.url, 'example_data', Date.now(), read);
    expect(stored.map((sample) => sample.labels.name).sort()).toEqual(['bar', 'baz', 'foo']);

    const inUrl = await runCli(['example_data.csv', '--remote-write', url.replace('https://', 'https://alice:s3cret%20pw@'), '--ca-file', pki.caCert, '--metric', 'url_credentials']);
    expect(inUrl.code).toBe(0);
    expect(inUrl.stderr).toContain('warning: --remote-write carries a password on the command line, where `ps` shows it');
    expect(inUrl.stderr).not.toMatch(/s3cret/);

    const noCa = await runCli(['example_data.csv', '--remote-write', url, '--username', 'alice', '--password-file', passwordFile]);
    expect(noCa.code).toBe(1);
    expect(noCa.stderr).toContain(`error: the remote-write receiver's certificate is not trusted`);
    const wrong = join(work, 'wrong');
    writeFileSync(wrong, 'nope');
    const refused = await runCli(['example_data.csv', '--remote-write', url, '--ca-file', pki.caCert, '--username', 'alice', '--password-file', wrong]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error: the remote-write receiver refused POST https:\/\/127\.0\.0\.1:\d+\/api\/v1\/write with HTTP 401 Unauthorized/);
  });
});

describe('--remote-write requests', () => {
  it("never send the Pushgateway's credentials from the environment to a receiver", async () => {
    const server = await startFaultServer(answer(204));
    try {
      const result = await runCli(['example_data.csv', '--remote-write', server.url], {
        env: { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: 'gw-secret', PUSHGATEWAY_BEARER_TOKEN: 'gw-token' },
      });
      expect(result.code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.headers.authorization).toBeUndefined();
      expect(server.requests[0]?.url).toBe('/api/v1/write');
    } finally {
      await server.close();
    }
  });
});

describe('one destination per run', () => {
  it('refuses options that do not fit the destination, saying why', async () => {
    const cases: [string[], string][] = [
      [['example_data.csv', '--textfile', 'a.prom', '--remote-write', 'h:1'], "error: --textfile and --remote-write each name a destination; give one per run (the Pushgateway is the default)"],
      [['example_data.csv', '-j', 'x', '-g', 'h:1', '--textfile', 'a.prom'], 'error: --gateway and --textfile each name a destination'],
      [['example_data.csv', '-j', 'x', '--timestamp-column', 'value'], "error: --timestamp-column needs --remote-write or --openmetrics: the Pushgateway refuses samples that carry a time, and so does node_exporter's textfile collector"],
      [['example_data.csv', '--textfile', 'a.prom', '--timestamp-column', 'value'], 'error: --timestamp-column needs --remote-write or --openmetrics'],
      [['example_data.csv', '--openmetrics', 'a.om', '--remote-write', 'h:1'], 'error: --remote-write and --openmetrics each name a destination; give one per run'],
      [['example_data.csv', '--openmetrics', 'a.om', '--timestamp-column', 'value', '--timeout', '3'], 'error: --timeout applies to a request; --openmetrics writes a local file'],
      [['example_data.csv', '--openmetrics', 'a.om', '--timestamp-column', 'value', '--batch-size', '3'], 'error: --batch-size applies to --remote-write only'],
      [['example_data.csv', '-j', 'x', '--batch-size', '10'], 'error: --batch-size applies to --remote-write only'],
      [['example_data.csv', '--remote-write', 'h:1', '--batch-size', '0'], 'error: --batch-size must be a whole number, 1 or more, not "0"'],
      [['example_data.csv', '--remote-write', 'h:1', '--gzip'], 'error: --gzip does not go with --remote-write: remote write bodies are snappy-compressed'],
      [['example_data.csv', '--remote-write', 'h:1', '--method', 'post'], 'error: --method chooses how the Pushgateway replaces a group; it does not go with --remote-write'],
      [['--delete', '--textfile', 'a.prom'], 'error: --delete deletes a group on the Pushgateway; it does not go with --textfile'],
      [['example_data.csv', '--textfile', 'a.prom', '--timeout', '3'], 'error: --timeout applies to a request; --textfile writes a local file'],
      [['example_data.csv', '--textfile', 'a.prom', '-H', 'X-A: b'], 'error: --header applies to a request; --textfile writes a local file'],
      [['example_data.csv', '--remote-write', 'h:1', '--timestamp-column', 'nope'], 'error: example_data.csv has no column "nope" (--timestamp-column); its columns are: name, value'],
      [['example_data.csv', '--remote-write', 'h:1', '--timestamp-column', 'name', '--label-column', 'name'], 'error: column "name" of example_data.csv is named by both --timestamp-column and --label-column; give it one role'],
      [['job_column.csv', '--remote-write', 'h:1', '-j', 'x'], 'error: job_column.csv:1: column 2 ("job") is the label "job", which --job also sets on every series; rename the column or drop --job'],
      [['example_data.csv', '--textfile', 'a.prom', '-l', 'job=x'], 'error: --label job=... is not allowed; use --job'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });

  it('--help lists the destinations and their options', async () => {
    const help = await runCli(['--help']);
    for (const option of ['--textfile <path.prom>', '--remote-write <url>', '--openmetrics <file>', '--timestamp-column <column>', '--batch-size <series>']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toMatch(/--batch-size <series> +with --remote-write: series per request \(default:\s+10000\)/);
  });
});
