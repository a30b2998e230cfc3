import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway, groupAfterDelete } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

describe('csv-push as a user runs it', () => {
  it('pushes the example, says so on stderr, and exits 0', async () => {
    const job = uniqueJob();
    const result = await runCli(['example_data.csv', '--job', job, '--gateway', gateway.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('warning: example_data.csv:5: expected 2 columns (as the header has), found 1; row skipped');
    expect(result.stderr).toMatch(new RegExp(`✔ pushed 3 series from 4 rows, 1 row skipped to ${gateway.url} as \\{job="${job}"\\} \\(PUT\\) in \\d+ ms`));
    expect((await gateway.group({ job }))?.metrics.example_data?.samples).toHaveLength(3);
  });

  it('takes the gateway from PUSHGATEWAY_URL, host:port meaning http', async () => {
    const job = uniqueJob();
    const result = await runCli(['example_data.csv', '-j', job], { env: { PUSHGATEWAY_URL: `127.0.0.1:${gateway.port}` } });
    expect(result.code).toBe(0);
    expect(await gateway.group({ job })).toBeDefined();
  });

  it('reads standard input with -, needing --metric', async () => {
    const job = uniqueJob();
    const missing = await runCli(['-', '--job', job, '-g', gateway.url], { input: 'a,b\n1,2\n' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: --metric (or --metric-column) is required when reading standard input: there is no file name to take it from\n');
    const result = await runCli(['-', '--job', job, '-g', gateway.url, '-m', 'piped', '--value-column', 'b'], { input: 'a,b\n1,2\n' });
    expect(result.code).toBe(0);
    expect((await gateway.group({ job }))?.metrics.piped_b?.samples).toEqual([{ labels: { a: '1' }, value: 2 }]);
  });

  it('prints one JSON summary on stdout with --json', async () => {
    const job = uniqueJob();
    const result = await runCli(['duplicate_rows.csv', 'example_data.csv', '--job', job, '-g', gateway.url, '--json', '-q', '-m', 'both']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      ok: true,
      action: 'push',
      gateway: gateway.url,
      job,
      method: 'PUT',
      files: ['duplicate_rows.csv', 'example_data.csv'],
      rowsRead: 8,
      seriesPushed: 5,
      rowsSkipped: 1,
      skipped: [{ file: 'example_data.csv', line: 5, reason: 'expected 2 columns (as the header has), found 1' }],
      duplicates: [
        { file: 'duplicate_rows.csv', line: 4, replacedLine: 2 },
        { file: 'duplicate_rows.csv', line: 5, replacedLine: 4 },
      ],
      status: 200,
      attempts: 1,
    });
    expect(summary.durationMs).toBeTypeOf('number');
  });

  it('--dry-run prints exposition text that promtool accepts, and sends nothing', async () => {
    const job = uniqueJob();
    const result = await runCli(['value_columns.csv', '--job', job, '-g', gateway.url, '--dry-run', '-m', 'dry', '--value-column', 'cpu']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('# TYPE dry_cpu gauge\ndry_cpu{host="web-1",region="eu",mem="1024"} 0.5\n');
    expect(result.stderr).toContain('nothing was sent');
    expect(await gateway.group({ job })).toBeUndefined();
    const plain = await runCli(['awkward_label_values.csv', 'value_columns.csv', '--job', job, '--dry-run', '-m', 'dry_rows']);
    for (const body of [result.stdout, plain.stdout]) {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
      expect(check.error, 'promtool is needed: apt-get install prometheus').toBeUndefined();
      expect(check.stdout + check.stderr).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it('exits 1 naming the URL, without credentials, when the gateway cannot be reached', async () => {
    const result = await runCli(['example_data.csv', '--job', 'x', '-g', 'http://alice:s3cret@127.0.0.1:9/pgw', '--retries', '1', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: cannot reach the gateway at http://127.0.0.1:9/pgw/metrics/job/x: connection refused');
    expect(result.stderr).toContain('attempt 1/2 failed');
    expect(result.stderr + result.stdout).not.toContain('s3cret');
    expect(result.stderr + result.stdout).not.toContain('alice');
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, seriesPushed: 0, attempts: 2, error: { code: 'PUSH_UNREACHABLE', exitCode: 1 } });
  });

  it('exits 2 with one line and no stack trace for usage and input errors', async () => {
    const cases: [string[], string][] = [
      [['example_data.csv'], "error: required option '-j, --job <name>' not specified"],
      [['example_data.csv', '-j', 'x', '--bogus'], "error: unknown option '--bogus'"],
      [['-j', 'x'], 'error: no CSV file given; pass a path, or - for standard input'],
      [['missing.csv', '-j', 'x'], 'error: cannot read missing.csv: no such file; check the path'],
      [['example_data.csv', '-j', 'x', '-m', '1bad'], 'error: --metric "1bad" is not a valid metric name'],
      [['example_data.csv', '-j', 'x', '--method', 'patch'], 'error: --method must be put or post (any case), not "patch"'],
      [['example_data.csv', '-j', 'x', '--timeout', '0'], 'error: --timeout must be a positive number of seconds, not "0"'],
      [['example_data.csv', '-j', 'x', '--value-column', 'nope'], 'error: example_data.csv has no column "nope" (--value-column); its columns are: name, value'],
      [['job_column.csv', '-j', 'x'], 'error: job_column.csv:1: column 2 ("job") is the label "job"'],
      [['bad_header_reserved.csv', '-j', 'x'], 'error: bad_header_reserved.csv:1: column 2 header "__name__" starts with "__"'],
      [['wrong_column_count.csv', '-j', 'x', '--strict', '-g', 'http://127.0.0.1:9'], 'error: --strict: 2 row(s) would be skipped; nothing was pushed'],
      [['--delete', '-j', 'x', 'example_data.csv'], 'error: --delete takes no file'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });

  it('--strict lists the rows before failing', async () => {
    const result = await runCli(['wrong_column_count.csv', '-j', 'x', '--strict', '-g', 'http://127.0.0.1:9']);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'warning: wrong_column_count.csv:3: expected 2 columns (as the header has), found 1; row skipped',
      'warning: wrong_column_count.csv:4: expected 2 columns (as the header has), found 3; row skipped',
      'hint: 1 row has fewer cells than the header; --allow-short-rows reads the missing trailing cells as empty',
      'error: --strict: 2 row(s) would be skipped; nothing was pushed. Fix the rows listed above, or drop --strict',
    ]);
  });

  it('--delete removes the group', async () => {
    const job = uniqueJob();
    await runCli(['example_data.csv', '-j', job, '-g', gateway.url, '-l', 'instance=web/1']);
    expect(await gateway.group({ job, instance: 'web/1' })).toBeDefined();
    const result = await runCli(['--delete', '-j', job, '-g', gateway.url, '-l', 'instance=web/1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`deleted group {job="${job}", instance="web/1"}`);
    expect(await groupAfterDelete(gateway, { job, instance: 'web/1' })).toBeUndefined();
  });

  it('colours only when asked, and is silent with -q', async () => {
    const job = uniqueJob();
    const plain = await runCli(['example_data.csv', '-j', job, '-g', gateway.url]);
    expect(plain.stderr).not.toContain('\u001b[');
    const forced = await runCli(['example_data.csv', '-j', job, '-g', gateway.url], { env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toContain('\u001b[');
    const quiet = await runCli(['example_data.csv', '-j', job, '-g', gateway.url, '-q']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('answers --help and --version with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const option of ['--job', '--gateway', '--metric', '--description', '--label', '--value-column', '--method', '--delete', '--dry-run', '--strict', '--max-skipped', '--allow-short-rows', '--skip-empty-values', '--quote', '--delimiter', '--timeout', '--retries', '--json', '--quiet', '--verbose']) {
      expect(help.stdout).toContain(option);
    }
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});
