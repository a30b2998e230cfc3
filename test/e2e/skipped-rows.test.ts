import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

/** The group as the gateway's JSON API has it, push_time_seconds and the rest included. */
async function rawGroup(job: string): Promise<unknown> {
  const response = await fetch(`${gateway.url}/api/v1/metrics`);
  const { data } = (await response.json()) as { data: { labels: Record<string, string> }[] };
  return data.find((group) => group.labels.job === job);
}

describe('rows that are skipped never clear a group by accident', () => {
  it('a file whose every row is skipped exits 2, sends nothing, and leaves yesterday’s group as it was', async () => {
    const job = uniqueJob();
    const yesterday = await runCli(['daily_load.csv', '-j', job, '-g', gateway.url, '-m', 'load', '--value-column', 'load']);
    expect(yesterday.code, yesterday.stderr).toBe(0);
    const before = await rawGroup(job);
    expect(before).toMatchObject({ push_time_seconds: expect.anything(), load_load: { metrics: [expect.anything(), expect.anything()] } });
    // Past the next whole second, so that any push now would change push_time_seconds however it is rounded.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const today = await runCli(['decimal_commas_all_skipped.csv', '-j', job, '-g', gateway.url, '-m', 'load', '--value-column', 'load', '--json']);
    expect(today.code).toBe(2);
    expect(today.stderr).toContain('warning: decimal_commas_all_skipped.csv:2: column 2 ("load") holds "1,5", not a number');
    expect(today.stderr).toContain(
      'error: decimal_commas_all_skipped.csv: all 2 data rows were skipped (2 with a value that is not a number), and a PUT of no series would empty the group; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to push anyway',
    );
    expect(JSON.parse(today.stdout)).toMatchObject({
      ok: false,
      seriesPushed: 0,
      rowsRead: 2,
      rowsSkipped: 2,
      skippedByReason: { notANumber: 2 },
      error: { code: 'SKIPPED_ROWS', exitCode: 2 },
    });
    expect(await rawGroup(job)).toEqual(before);

    const anyway = await runCli(['decimal_commas_all_skipped.csv', '-j', job, '-g', gateway.url, '-m', 'load', '--value-column', 'load', '--max-skipped', '100%']);
    expect(anyway.code).toBe(0);
    expect(anyway.stderr).toContain('✔ pushed 0 series from 2 rows, 2 rows skipped');
    expect(await gateway.group({ job })).toMatchObject({ metrics: {} });
  });

  it('a header-only file still clears the group, with a warning', async () => {
    const job = uniqueJob();
    await runCli(['daily_load.csv', '-j', job, '-g', gateway.url, '-m', 'load']);
    const result = await runCli(['header_only.csv', '-j', job, '-g', gateway.url, '-m', 'load']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: header_only.csv has a header but no data rows, so it adds no series');
    expect((await gateway.group({ job }))?.metrics).toEqual({});
  });

  it('--max-skipped holds on both sides of its bound, as a count or a share of the rows', async () => {
    const args = (bound: string, job: string) => ['one_in_ten_skipped.csv', '-j', job, '-g', gateway.url, '--value-column', 'load', '--max-skipped', bound];
    for (const bound of ['1', '10%']) {
      const job = uniqueJob();
      const within = await runCli(args(bound, job));
      expect(within.code, `--max-skipped ${bound}: ${within.stderr}`).toBe(0);
      expect((await gateway.group({ job }))?.metrics.one_in_ten_skipped_load?.samples).toHaveLength(9);
    }
    for (const [bound, shown] of [['0', '0'], ['9.5%', '9.5%']]) {
      const job = uniqueJob();
      const beyond = await runCli(args(bound as string, job));
      expect(beyond.code).toBe(2);
      expect(beyond.stderr).toContain(
        `error: one_in_ten_skipped.csv: 1 of its 10 data rows skipped (10%), more than --max-skipped ${shown} allows; nothing was sent. Fix the rows listed above, or raise --max-skipped`,
      );
      expect(await gateway.group({ job })).toBeUndefined();
    }
    const bad = await runCli(['one_in_ten_skipped.csv', '-j', 'x', '--max-skipped', '150%']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: --max-skipped must be a whole number of rows or a percentage up to 100% (e.g. 10 or 5%), not "150%"');
  });

  it('--allow-short-rows reads missing trailing cells as empty; longer rows are still skipped', async () => {
    const job = uniqueJob();
    const plain = await runCli(['ragged_trailing_cells.csv', '-j', job, '-g', gateway.url, '-m', 'debian', '--value-column', 'version']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('hint: 2 rows have fewer cells than the header; --allow-short-rows reads the missing trailing cells as empty');
    expect((await gateway.group({ job }))?.metrics.debian_version?.samples).toHaveLength(1);

    const allowed = await runCli(['ragged_trailing_cells.csv', '-j', job, '-g', gateway.url, '-m', 'debian', '--value-column', 'version', '--allow-short-rows']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr.split('\n').filter(Boolean).slice(0, -1)).toEqual([
      'warning: ragged_trailing_cells.csv:5: expected 7 columns (as the header has), found 8; row skipped',
    ]);
    expect((await gateway.group({ job }))?.metrics.debian_version?.samples).toEqual([
      { labels: { codename: 'Buster', series: 'buster', created: '2017-06-17', release: '2019-07-06', eol: '2022-09-10', eol_lts: '2024-06-30' }, value: 10 },
      { labels: { codename: 'Trixie', series: 'trixie', created: '2023-06-10' }, value: 13 },
      { labels: { codename: 'Forky', series: 'forky' }, value: 14 },
    ]);

    // A value column left empty by a short row skips that row, as an empty cell does.
    const emptyValue = await runCli(['ragged_trailing_cells.csv', '-j', job, '--dry-run', '-m', 'debian', '--value-column', 'release', '--allow-short-rows']);
    expect(emptyValue.stderr).toContain('warning: ragged_trailing_cells.csv:3: column 5 ("release") holds an empty cell, not a number');
    expect(emptyValue.stderr).toContain('warning: ragged_trailing_cells.csv:4: column 5 ("release") holds an empty cell, not a number');
  });

  it('--quote none reads a TSV whose free text starts with a quote; the quote error says so', async () => {
    const job = uniqueJob();
    const quoted = await runCli(['stray_quote.tsv', '-d', 'tab', '-j', job, '-g', gateway.url, '-m', 'packages', '--value-column', 'size']);
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toBe(
      'error: stray_quote.tsv:3: a quoted field opened here is never closed; close the quote or double it ("") inside the field, or, if quotes in this file are ordinary characters, pass --quote none\n',
    );
    expect(await gateway.group({ job })).toBeUndefined();

    const plain = await runCli(['stray_quote.tsv', '-d', 'tab', '--quote', 'none', '-j', job, '-g', gateway.url, '-m', 'packages', '--value-column', 'size']);
    expect(plain.code, plain.stderr).toBe(0);
    expect((await gateway.group({ job }))?.metrics.packages_size?.samples).toEqual([
      { labels: { package: 'bash', description: '"GNU" Bourne Again SHell' }, value: 1000 },
      { labels: { package: 'curl', description: '"command line tool for transferring data' }, value: 400 },
      { labels: { package: 'zsh', description: 'shell with lots of features' }, value: 900 },
    ]);
    const empty = await runCli(['stray_quote.tsv', '-j', 'x', '--quote', '']);
    expect(empty.stderr).toContain('error: --quote must be one character or "none" (got "")');
  });

  it('--skip-empty-values skips rows with an empty value cell without a warning, counting them', async () => {
    const job = uniqueJob();
    const result = await runCli(['empty_value_cells.csv', '-j', job, '-g', gateway.url, '--value-column', 'size', '--skip-empty-values', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'warning: empty_value_cells.csv:5: column 2 ("size") holds "n/a", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false); row skipped',
      expect.stringMatching(/^✔ pushed 2 series from 4 rows, 2 rows skipped to /),
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      rowsSkipped: 2,
      skippedByReason: { emptyValue: 1, notANumber: 1, wrongColumnCount: 0, noMetricName: 0 },
      skipped: [{ line: 5, kind: 'notANumber' }],
      skippedNotListed: 1,
    });
    expect((await gateway.group({ job }))?.metrics.empty_value_cells_size?.samples.map((sample) => sample.labels.package)).toEqual(['bash', 'curl']);
    const warned = await runCli(['empty_value_cells.csv', '-j', job, '--dry-run', '--value-column', 'size']);
    expect(warned.stderr).toContain('warning: empty_value_cells.csv:3: column 2 ("size") holds an empty cell');
  });

  it('hints once when a column looks like the value but became a label', async () => {
    const named = await runCli(['example_data.csv', '--dry-run']);
    expect(named.stderr).toContain(
      'hint: column "value" looks like sample values but became a label, and every sample is 1; to push it as values, pass --value-column value\n',
    );
    const numeric = await runCli(['disk-usage.csv', '--dry-run']);
    expect(numeric.stderr.match(/^hint: /gm)).toHaveLength(1);
    expect(numeric.stderr).toContain('hint: column "used_bytes" looks like sample values');
    for (const args of [['disk-usage.csv', '--value-column', 'used_bytes'], ['example_data.csv', '--label-column', 'name'], ['example_data.csv', '-q']]) {
      const quiet = await runCli([...args, '--dry-run']);
      expect(quiet.stderr, args.join(' ')).not.toContain('hint: column');
    }
  });
});
