import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deleteGroup, preparePush, pushCsv, sendPush, type PushCsvOptions } from '../../src/index.js';
import { failure } from '../helpers/failure.js';
import { fixture } from '../helpers/fixtures.js';
import { useGateway, groupAfterDelete } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

function push(options: Partial<PushCsvOptions> & Pick<PushCsvOptions, 'sources' | 'job'>) {
  // Retries resend nothing a gateway took: a push whose answer is late under a loaded machine is
  // read back for the unused attempts' time (10.5 s) instead of 0.5 s.
  return pushCsv({ gateway: gateway.url, transport: { timeoutMs: 5000, retries: 2 }, ...options });
}

describe('pushing a CSV to a real Pushgateway', () => {
  it('pushes the article example: header as labels, value 1, short row skipped', async () => {
    const job = uniqueJob();
    const report = await push({ sources: [{ path: fixture('example_data.csv') }], job });
    expect(report).toMatchObject({ pushed: true, status: 200, rowsRead: 4, series: 3, metrics: ['example_data'] });
    expect(report.skipped).toEqual([
      { file: fixture('example_data.csv'), line: 5, kind: 'wrongColumnCount', reason: 'expected 2 columns (as the header has), found 1' },
    ]);
    expect(report).toMatchObject({ rowsSkipped: 1, skippedByReason: { wrongColumnCount: 1, notANumber: 0, emptyValue: 0, noMetricName: 0 } });
    const group = await gateway.group({ job });
    expect(group?.metrics.example_data?.type).toBe('GAUGE');
    expect(group?.metrics.example_data?.samples).toEqual([
      { labels: { name: 'foo', value: '1' }, value: 1 },
      { labels: { name: 'bar', value: '2' }, value: 1 },
      { labels: { name: 'baz', value: '3' }, value: 1 },
    ]);
  });

  it('round-trips every character of awkward label values exactly', async () => {
    const job = uniqueJob();
    await push({ sources: [{ path: fixture('awkward_label_values.csv') }], job, metric: 'awkward' });
    const samples = (await gateway.group({ job }))?.metrics.awkward?.samples ?? [];
    const noteOf = Object.fromEntries(samples.map((sample) => [sample.labels.label, sample.labels.note]));
    expect(noteOf).toEqual({
      quote: 'she said "no"',
      backslash: 'C:\\temp\\new',
      newline: 'line1\nline2',
      unicode: 'Grüße 東京 🚀',
      comma: 'a,b:c',
      braces: '{x="1"}',
      // An empty label value is the same series as no label, so csv-push leaves it out.
      empty: undefined,
      spaces: '  padded  ',
      cr: 'a\rb',
    });
  });

  it('reads quoted fields, a BOM with CRLF, blank lines and tabs', async () => {
    const cases: [string, Record<string, string>[], string?][] = [
      ['quoted_fields.csv', [{ host: 'web-1', region: 'eu, west' }, { host: 'web-2', region: 'say "hi"' }, { host: 'web-3', region: 'two\nlines' }]],
      ['bom_crlf.csv', [{ host: 'web-1', region: 'eu' }, { host: 'web-2', region: 'us' }]],
      ['blank_lines.csv', [{ host: 'web-1', region: 'eu' }, { host: 'web\n2', region: 'us' }]],
      ['tab_separated.tsv', [{ host: 'web-1', region: 'eu, west' }, { host: 'web-2', region: 'us' }], 'tab'],
    ];
    for (const [file, expected, delimiter] of cases) {
      const job = uniqueJob();
      const report = await push({ sources: [{ path: fixture(file) }], job, metric: 'hosts', ...(delimiter ? { dialect: { delimiter } } : {}) });
      expect(report.pushed).toBe(true);
      const samples = (await gateway.group({ job }))?.metrics.hosts?.samples;
      expect(samples?.map((sample) => sample.labels), file).toEqual(expected);
    }
  });

  it('names skipped lines in files with blank lines and quoted newlines', async () => {
    const report = await push({ sources: [{ path: fixture('blank_lines.csv') }], job: uniqueJob(), metric: 'hosts' });
    expect(report.skipped.map((row) => row.line)).toEqual([8]);
  });

  it('makes one gauge per value column, with Prometheus float syntax, skipping bad values cell by cell', async () => {
    const job = uniqueJob();
    const file = fixture('value_columns.csv');
    const report = await push({ sources: [{ path: file }], job, metric: 'node', valueColumns: ['cpu', 'mem'] });
    expect(report.metrics).toEqual(['node_cpu', 'node_mem']);
    // Since issue 16 a bad cell costs its own sample: the rows stay, and their mem values land.
    expect(report.skipped).toEqual([]);
    expect(report.skippedCells).toEqual([
      { file, line: 5, column: 3, header: 'cpu', kind: 'emptyValue', reason: 'column 3 ("cpu") holds an empty cell, not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false)' },
      { file, line: 6, column: 3, header: 'cpu', kind: 'notANumber', reason: 'column 3 ("cpu") holds "abc", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false)' },
    ]);
    const group = await gateway.group({ job });
    const byHost = (metric: string) =>
      Object.fromEntries((group?.metrics[metric]?.samples ?? []).map((sample) => [sample.labels.host, sample.value]));
    expect(byHost('node_cpu')).toEqual({ 'web-1': 0.5, 'web-2': 2500, 'web-3': Number.POSITIVE_INFINITY, 'web-6': -0.25 });
    expect(byHost('node_mem')).toEqual({ 'web-1': 1024, 'web-2': Number.NaN, 'web-3': Number.NEGATIVE_INFINITY, 'web-4': 12, 'web-5': 1, 'web-6': 0.5 });
    expect(group?.metrics.node_cpu?.samples[0]?.labels).toEqual({ host: 'web-1', region: 'eu' });
  });

  it('keeps the last of rows with the same labels and names the lines', async () => {
    const job = uniqueJob();
    const file = fixture('duplicate_rows.csv');
    const report = await push({ sources: [{ path: file }], job, metric: 'status' });
    expect(report.duplicates).toEqual([
      { file, line: 4, replacedFile: file, replacedLine: 2 },
      { file, line: 5, replacedFile: file, replacedLine: 4 },
    ]);
    expect((await gateway.group({ job }))?.metrics.status?.samples).toHaveLength(2);
  });

  it('a header-only file clears the group on put, so yesterday\'s series do not linger', async () => {
    const job = uniqueJob();
    await push({ sources: [{ path: fixture('example_data.csv') }], job, metric: 'daily' });
    expect((await gateway.group({ job }))?.metrics.daily?.samples).toHaveLength(3);
    const report = await push({ sources: [{ path: fixture('header_only.csv') }], job, metric: 'daily' });
    expect(report).toMatchObject({ pushed: true, series: 0, rowsRead: 0 });
    expect(report.warnings).toEqual([`${fixture('header_only.csv')} has a header but no data rows, so it adds no series`]);
    const group = await gateway.group({ job });
    expect(group).toBeDefined();
    expect(group?.metrics).toEqual({});
  });

  it('put replaces the whole group; post replaces only the same-named metrics', async () => {
    const job = uniqueJob();
    await push({ sources: [{ path: fixture('example_data.csv') }], job, metric: 'first' });
    await push({ sources: [{ path: fixture('example_data.csv') }], job, metric: 'second', method: 'post' });
    expect(Object.keys((await gateway.group({ job }))?.metrics ?? {}).sort()).toEqual(['first', 'second']);
    await push({ sources: [{ path: fixture('quoted_fields.csv') }], job, metric: 'second', method: 'post' });
    const afterPost = await gateway.group({ job });
    expect(afterPost?.metrics.first?.samples).toHaveLength(3);
    expect(afterPost?.metrics.second?.samples.map((sample) => sample.labels.host)).toEqual(['web-1', 'web-2', 'web-3']);
    await push({ sources: [{ path: fixture('example_data.csv') }], job, metric: 'third' });
    expect(Object.keys((await gateway.group({ job }))?.metrics ?? {})).toEqual(['third']);
  });

  it('encodes grouping values with slashes and spaces so they land as given, and deletes a group with an empty value', async () => {
    const job = `nightly/${uniqueJob()}`;
    const groupingLabels = [
      { name: 'path', value: '/var/lib/data' },
      { name: 'instance', value: 'web 1?x=%2F' },
    ];
    await push({ sources: [{ path: fixture('example_data.csv') }], job, groupingLabels });
    const group = await gateway.group({ job, path: '/var/lib/data', instance: 'web 1?x=%2F' });
    expect(group?.metrics.example_data?.samples).toHaveLength(3);
    await deleteGroup({ gateway: gateway.url, job, groupingLabels });
    expect(await groupAfterDelete(gateway, { job, path: '/var/lib/data', instance: 'web 1?x=%2F' })).toBeUndefined();

    // Pushing with an empty grouping value is refused (see the next test); another client may
    // have made such a group all the same, and it can be deleted by its exact key.
    const made = await fetch(`${gateway.url}/metrics/job@base64/${Buffer.from(job).toString('base64url')}/empty@base64/=`, { method: 'PUT', body: 'm 1\n' });
    expect(made.status).toBe(200);
    expect(await gateway.group({ job, empty: '' })).toBeDefined();
    await deleteGroup({ gateway: gateway.url, job, groupingLabels: [{ name: 'empty', value: '' }] });
    expect(await groupAfterDelete(gateway, { job, empty: '' })).toBeUndefined();
  });

  it('refuses to push with an empty grouping value, which Prometheus takes for no label and which can wedge the gateway', async () => {
    const job = uniqueJob();
    const error = await failure(push({ sources: [{ path: fixture('example_data.csv') }], job, groupingLabels: [{ name: 'instance', value: '' }] }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('--label instance= has an empty value: Prometheus takes that for no label at all');
    expect(await gateway.group({ job, instance: '' })).toBeUndefined();
  });

  it('refuses a column the grouping key would overwrite, before sending anything', async () => {
    const job = uniqueJob();
    const error = await failure(push({ sources: [{ path: fixture('job_column.csv') }], job }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `${fixture('job_column.csv')}:1: column 2 ("job") is the label "job", which the gateway sets from the grouping key and would overwrite; rename the column`,
    );
    const labelClash = await failure(
      push({ sources: [{ path: fixture('example_data.csv') }], job, groupingLabels: [{ name: 'name', value: 'x' }] }),
    );
    expect(labelClash.message).toMatch(/column 1 \("name"\) is the label "name".*or drop --label name$/);
    expect(await gateway.group({ job })).toBeUndefined();
  });

  it('--strict pushes nothing when a row would be skipped or replaced', async () => {
    const job = uniqueJob();
    const error = await failure(push({ sources: [{ path: fixture('wrong_column_count.csv') }], job, strict: true }));
    expect(error.code).toBe('STRICT');
    expect(error.exitCode).toBe(2);
    expect(error.report?.skipped.map((row) => row.line)).toEqual([3, 4]);
    expect(await gateway.group({ job })).toBeUndefined();
    const clean = await push({ sources: [{ path: fixture('quoted_fields.csv') }], job, strict: true });
    expect(clean.pushed).toBe(true);
  });

  it('reads standard input when given a stream, with an explicit metric name', async () => {
    const job = uniqueJob();
    const stream = Readable.from([Buffer.from('host,region\nweb-1,eu\n')]);
    await push({ sources: [{ name: 'standard input', stream }], job, metric: 'from_stdin' });
    expect((await gateway.group({ job }))?.metrics.from_stdin?.samples).toEqual([{ labels: { host: 'web-1', region: 'eu' }, value: 1 }]);
  });

  it('reports the gateway\'s own reason when it refuses a push', async () => {
    // Another group already holds "clash" as a counter; the gateway refuses a gauge of that name.
    const seeded = await fetch(`${gateway.url}/metrics/job/${uniqueJob()}`, { method: 'PUT', body: '# TYPE clash counter\nclash 1\n' });
    expect(seeded.status).toBe(200);
    const second = uniqueJob();
    const error = await failure(push({ sources: [{ path: fixture('example_data.csv') }], job: second, metric: 'clash' }));
    expect(error.code).toBe('PUSH_REFUSED');
    expect(error.exitCode).toBe(1);
    expect(error.status).toBe(400);
    expect(error.message).toContain(`the gateway refused PUT ${gateway.url}/metrics/job/${second} with HTTP 400 Bad Request: `);
    expect(error.message).toContain('pushed metrics are invalid or inconsistent with existing metrics');
    // The gateway names either side of the clash, depending on the order it checks them in.
    expect(error.message).toMatch(/is not a (GAUGE|COUNTER)/);
    expect(error.report).toMatchObject({ pushed: false, attempts: 1 });
    // The gateway records the failed push in the group, but holds none of its metrics.
    expect((await gateway.group({ job: second }))?.metrics).toEqual({});
  });

  it('refuses bad input with file, line and column, sending nothing', async () => {
    const cases: [string, string][] = [
      ['empty.csv', `${fixture('empty.csv')}: the file is empty; its first line must be a header naming the columns`],
      ['bad_header_empty_cell.csv', `${fixture('bad_header_empty_cell.csv')}:1: column 2 has an empty header; give every column a name`],
      ['bad_header_duplicate.csv', `${fixture('bad_header_duplicate.csv')}:1: column 2 header "Host_Name" becomes label "host_name"`],
      ['bad_header_reserved.csv', `${fixture('bad_header_reserved.csv')}:1: column 2 header "__name__" starts with "__"`],
      ['unclosed_quote.csv', `${fixture('unclosed_quote.csv')}:3: a quoted field opened here is never closed`],
    ];
    for (const [file, message] of cases) {
      const job = uniqueJob();
      const error = await failure(push({ sources: [{ path: fixture(file) }], job, metric: 'bad' }));
      expect(error.exitCode, file).toBe(2);
      expect(error.message, file).toContain(message);
      expect(await gateway.group({ job })).toBeUndefined();
    }
  });

  it('streams a body of many chunks, plain and gzipped, and every series lands', async () => {
    const rows = Array.from({ length: 40_000 }, (_, index) => `host-${index % 97},"shard ""${index}"""`);
    const csv = Buffer.from(`host,shard\n${rows.join('\n')}\n`);
    for (const gzip of [false, true]) {
      const job = uniqueJob();
      const prepared = await preparePush({
        gateway: gateway.url,
        job,
        metric: 'many',
        sources: [{ name: 'many.csv', stream: Readable.from([csv]) }],
        transport: { gzip },
      });
      expect(Array.from(prepared.body.chunks()).length).toBeGreaterThan(1);
      const report = await sendPush(prepared);
      expect(report).toMatchObject({ pushed: true, series: 40_000 });
      const samples = (await gateway.group({ job }))?.metrics.many?.samples ?? [];
      expect(samples).toHaveLength(40_000);
      expect(samples.find((sample) => sample.labels.shard === 'shard "39999"')).toEqual({ labels: { host: 'host-35', shard: 'shard "39999"' }, value: 1 });
      // 40,000 series left in the gateway would slow every later read-back in this file.
      expect((await fetch(`${gateway.url}/metrics/job/${job}`, { method: 'DELETE' })).status).toBe(202);
    }
  });

  it('an upload cut off between chunks is refused by the gateway, leaving the group as it was', async () => {
    const job = uniqueJob();
    await push({ sources: [{ path: fixture('example_data.csv') }], job, metric: 'before' });
    const rows = Array.from({ length: 60_000 }, (_, index) => `host-${index}-${'x'.repeat(20)}`).join('\n');
    const prepared = await preparePush({
      gateway: gateway.url,
      job,
      metric: 'after',
      sources: [{ name: 'cut.csv', stream: Readable.from([Buffer.from(`host\n${rows}\n`)]) }],
    });
    const [firstChunk, secondChunk] = prepared.body.chunks();
    expect(secondChunk).toBeDefined();
    // What a timeout or a killed process leaves the gateway: the first chunk, then a closed connection.
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${gateway.url}/metrics/job/${job}`, { method: 'PUT' });
      request.on('error', () => resolve());
      request.on('response', () => resolve());
      request.write(firstChunk, () => setTimeout(() => request.destroy(), 100));
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Object.keys((await gateway.group({ job }))?.metrics ?? {})).toEqual(['before']);
  });

  it('cleans messy headers into label names', async () => {
    const job = uniqueJob();
    await push({ sources: [{ path: fixture('messy_header.csv') }], job, metric: 'messy' });
    expect((await gateway.group({ job }))?.metrics.messy?.samples[0]?.labels).toEqual({ host_name: 'web-1', _2xx: '10', rate: '0.5' });
  });
});
