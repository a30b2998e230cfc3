import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { answer, startFaultServer } from '../helpers/fault-server.js';
import { fixture } from '../helpers/fixtures.js';
import { useGateway, type GatewaySample } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

/** Pushes with the CLI and returns what the gateway then holds for the job, metric by metric. */
async function pushAndRead(args: string[], input?: string | Buffer): Promise<{ stderr: string; metrics: Record<string, GatewaySample[]> }> {
  const job = uniqueJob();
  const result = await runCli([...args, '--job', job, '-g', gateway.url], input === undefined ? {} : { input });
  expect(result.code, result.stderr).toBe(0);
  const group = await gateway.group({ job });
  const metrics = Object.fromEntries(Object.entries(group?.metrics ?? {}).map(([name, family]) => [name, family.samples]));
  return { stderr: result.stderr, metrics };
}

describe('CSV dialects, end to end against a real Pushgateway', () => {
  it('--delimiter ";" reads semicolon files, decimal commas staying labels', async () => {
    const { metrics } = await pushAndRead(['semicolon_delimited.csv', '-d', ';']);
    expect(metrics.semicolon_delimited?.map((sample) => sample.labels)).toEqual([
      { host: 'web-1', region: 'eu', load: '0,5' },
      { host: 'web-2', region: 'us;east', load: '1' },
    ]);
  });

  it('--skip-lines drops a preamble and --comment ignores comment lines, line numbers kept', async () => {
    const { metrics, stderr } = await pushAndRead(['preamble_and_comments.csv', '--skip-lines', '3', '--comment', '#', '--value-column', 'cost', '-m', 'billing']);
    expect(metrics.billing_cost).toEqual([
      { labels: { host: 'web-1' }, value: 10 },
      { labels: { host: 'web-2' }, value: 20 },
    ]);
    expect(stderr).not.toContain('warning');
    const strict = await runCli(['preamble_and_comments.csv', '--skip-lines', '3', '-j', 'x', '--dry-run', '-m', 'billing']);
    expect(strict.stderr).toContain('warning: preamble_and_comments.csv:5: expected 2 columns (as the header has), found 1; row skipped');
  });

  it('--no-header with --columns names the columns; the first line is data', async () => {
    const { metrics } = await pushAndRead(['no_header.csv', '--no-header', '--columns', 'host, region,load', '--value-column', 'load']);
    expect(metrics.no_header_load).toEqual([
      { labels: { host: 'web-1', region: 'eu' }, value: 0.5 },
      { labels: { host: 'web-2', region: 'us' }, value: 1.5 },
    ]);
    const missing = await runCli(['no_header.csv', '--no-header', '-j', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: --no-header needs --columns');
    const badNames = await runCli(['no_header.csv', '--no-header', '--columns', 'host,host,x', '-j', 'x']);
    expect(badNames.code).toBe(2);
    expect(badNames.stderr).toContain('error: --columns: column 2 header "host" becomes label "host", as column 1 ("host") does');
  });

  it('--encoding latin1 and utf-16le decode as told; a Latin-1 file read as UTF-8 is refused at its line', async () => {
    const latin1 = await pushAndRead(['latin1_encoded.csv', '--encoding', 'latin1', '--value-column', 'temp', '-m', 'weather']);
    expect(latin1.metrics.weather_temp?.map((sample) => sample.labels.city)).toEqual(['München', 'São Paulo']);
    const utf16 = await pushAndRead(['utf16le_bom.csv', '--encoding', 'utf-16le', '--value-column', 'temp', '-m', 'weather']);
    expect(utf16.metrics.weather_temp?.map((sample) => [sample.labels.city, sample.value])).toEqual([['Zürich', 3], ['Malmö', 4]]);
    const wrong = await runCli(['latin1_encoded.csv', '-j', 'x', '-g', gateway.url]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe("error: latin1_encoded.csv:2: the text is not valid UTF-8; pass --encoding latin1 (or the file's real encoding)\n");
    const utf16AsUtf8 = await runCli(['utf16le_bom.csv', '-j', 'x', '-g', gateway.url]);
    expect(utf16AsUtf8.stderr).toBe('error: utf16le_bom.csv: starts with the byte order mark of UTF-16LE, not UTF-8; pass --encoding utf-16le\n');
    const unknown = await runCli(['latin1_encoded.csv', '-j', 'x', '--encoding', 'ebcdic']);
    expect(unknown.stderr).toContain('error: --encoding "ebcdic" is not supported; use utf-8, latin1 or utf-16le');
  });

  it('reads .gz files and gzip data on standard input transparently', async () => {
    const file = await pushAndRead(['gzipped.csv.gz']);
    expect(file.metrics.gzipped?.map((sample) => sample.labels)).toEqual([{ host: 'web-1', region: 'eu' }, { host: 'web-2', region: 'us' }]);
    const piped = await pushAndRead(['-', '-m', 'piped'], gzipSync(readFileSync(fixture('quoted_fields.csv'))));
    expect(piped.metrics.piped).toHaveLength(3);
    const truncated = await runCli(['-', '-m', 'piped', '-j', 'x'], { input: readFileSync(fixture('gzipped.csv.gz')).subarray(0, 20) });
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/^error: standard input: starts like gzip but does not decompress \(.*\); check the file is complete\n$/);
  });

  it('--metric-column pushes several gauges from a long file, skipping rows without a name', async () => {
    const { metrics, stderr } = await pushAndRead(['long_format.csv', '--metric-column', 'metric', '--value-column', 'value']);
    expect(metrics).toEqual({
      cpu_load: [
        { labels: { host: 'web-1' }, value: 0.5 },
        { labels: { host: 'web-2' }, value: 0.7 },
      ],
      mem_bytes: [{ labels: { host: 'web-1' }, value: 1024 }],
      // `disk used%` was disk_used_ before issue 16's cleaning (runs of _ collapsed, trailing _ dropped).
      disk_used: [{ labels: { host: 'web-1' }, value: 12 }],
    });
    expect(stderr).toContain('warning: long_format.csv:5: column 1 ("metric") is empty, so the row names no metric; row skipped');
    const prefixed = await pushAndRead(['long_format.csv', '--metric-column', 'metric', '--value-column', 'value', '-m', 'app']);
    expect(Object.keys(prefixed.metrics).sort()).toEqual(['app_cpu_load', 'app_disk_used', 'app_mem_bytes']);
  });

  it('--label-column keeps only the named labels; --ignore-column drops columns', async () => {
    const only = await pushAndRead(['many_columns.csv', '--label-column', 'host', '--label-column', 'region', '--value-column', 'value']);
    expect(only.metrics.many_columns_value?.map((sample) => sample.labels)).toEqual([{ host: 'web-1', region: 'eu' }, { host: 'web-2', region: 'us' }]);
    const dropped = await pushAndRead(['many_columns.csv', '--ignore-column', 'comment', '--ignore-column', 'owner']);
    expect(dropped.metrics.many_columns?.map((sample) => sample.labels)).toEqual([
      { host: 'web-1', region: 'eu', value: '1' },
      { host: 'web-2', region: 'us', value: '2' },
    ]);
    const unknown = await runCli(['many_columns.csv', '-j', 'x', '--ignore-column', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: many_columns.csv has no column "nope" (--ignore-column); its columns are: host, region, owner, comment, value');
    const twoRoles = await runCli(['many_columns.csv', '-j', 'x', '--ignore-column', 'value', '--value-column', 'value']);
    expect(twoRoles.stderr).toContain('is named by both --value-column and --ignore-column');
  });

  it('--quote and --trim handle other quoting and padded fields; booleans count as 1 and 0', async () => {
    const quoted = await pushAndRead(['single_quoted.csv', '--quote', "'"]);
    expect(quoted.metrics.single_quoted?.map((sample) => sample.labels.note)).toEqual(['a, b', "it's"]);
    const padded = await pushAndRead(['padded_fields.csv', '--trim', '--value-column', 'up']);
    expect(padded.metrics.padded_fields_up).toEqual([
      { labels: { host: 'web-1', region: 'eu' }, value: 1 },
      { labels: { host: 'web-2', region: 'us' }, value: 0 },
      { labels: { host: 'web-3', region: '  spaced  ' }, value: 1 },
    ]);
  });

  it('refuses a runaway record at the line it started, pushing nothing', async () => {
    const job = uniqueJob();
    const bounded = await runCli(['runaway_record.csv', '-j', job, '-g', gateway.url, '--max-record-size', '100']);
    expect(bounded.code).toBe(2);
    expect(bounded.stderr).toBe(
      'error: runaway_record.csv:3: the record starting here grows past 100 bytes, most likely from an unclosed quote; close it, raise --max-record-size, or, if quotes in this file are ordinary characters, pass --quote none\n',
    );
    const unclosed = await runCli(['runaway_record.csv', '-j', job, '-g', gateway.url]);
    expect(unclosed.code).toBe(2);
    expect(unclosed.stderr).toContain('error: runaway_record.csv:3: a quoted field opened here is never closed');
    expect(await gateway.group({ job })).toBeUndefined();
  });

  it('several files go out in one request, each gauge named from its own file', async () => {
    const { metrics } = await pushAndRead(['example_data.csv', 'disk-usage.csv', 'gzipped.csv.gz']);
    expect(Object.keys(metrics).sort()).toEqual(['disk_usage', 'example_data', 'gzipped']);
    const server = await startFaultServer(answer(200));
    try {
      const result = await runCli(['example_data.csv', 'disk-usage.csv', '-j', 'multi', '-g', server.url]);
      expect(result.code).toBe(0);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.body.toString()).toMatch(/# TYPE example_data gauge[\s\S]*# TYPE disk_usage gauge/);
    } finally {
      await server.close();
    }
  });
});
