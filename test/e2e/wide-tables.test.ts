import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

const FINANCIAL_VALUES = ['--value-column', 'Price', '--value-column', 'Price/Earnings', '--value-column', 'Dividend Yield', '--value-column', 'Earnings/Share', '--value-column', 'Market Cap'];

/** Every cell of the fixture that is a number, as `gauge{Symbol}` → value: what must land. */
const GOOD_CELLS: Record<string, Record<string, number>> = {
  sp500_price: { MMM: 222.89, AOS: 60.24, ABT: 56.27, ABBV: 108.48, ACN: 150.51, ATVI: 65.83, ADBE: 185.16 },
  sp500_price_earnings: { MMM: 24.31, AOS: 27.76, ABT: 22.51, ABBV: 19.41, ACN: 25.47, ATVI: 31.8, ADBE: 52.31 },
  sp500_dividend_yield: { MMM: 2.33, AOS: 1.15, ABT: 1.91, ABBV: 2.5, ACN: 1.71, ATVI: 0.43, ADBE: 0 },
  sp500_earnings_share: { MMM: 7.92, ABT: 0.26, ABBV: 3.29, ACN: 5.44, ADBE: 3.39 },
  sp500_market_cap: { MMM: 138721055226, AOS: 10783419933, ABT: 102121042306, ACN: 79918890000, ADBE: 94550214268 },
};

describe('wide tables: one bad cell costs one sample, not the row', () => {
  it('pushes every good cell of a table with scattered empty and #NULL! cells, and names each bad one', async () => {
    const job = uniqueJob();
    const result = await runCli(['wide_financials_bad_cells.csv', '-j', job, '-g', gateway.url, '-m', 'sp500', '--label-column', 'Symbol', ...FINANCIAL_VALUES, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const landed = (await gateway.group({ job }))?.metrics ?? {};
    const got = Object.fromEntries(
      Object.entries(landed).map(([name, metric]) => [name, Object.fromEntries(metric.samples.map((sample) => [sample.labels.symbol, sample.value]))]),
    );
    expect(got).toEqual(GOOD_CELLS);
    expect(result.stderr).toContain(
      `warning: wide_financials_bad_cells.csv:5: column 8 ("Market Cap") holds "#NULL!", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false); this sample skipped, the row's other values kept`,
    );
    expect(result.stderr).toContain('warning: wide_financials_bad_cells.csv:3: column 7 ("Earnings/Share") holds an empty cell, not a number');
    expect(result.stderr).toContain('warning: wide_financials_bad_cells.csv:8: column 4 ("Price") holds an empty cell, not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false), nor do its 4 other value cells; row skipped');
    expect(result.stderr).toContain('✔ pushed 31 series from 8 rows, 1 row skipped, 4 value cells skipped');
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      ok: true,
      seriesPushed: 31,
      rowsSkipped: 1,
      skippedByReason: { emptyValue: 1 },
      cellsSkipped: 4,
      cellsSkippedByReason: { emptyValue: 2, notANumber: 2 },
      skippedCellsNotListed: 0,
    });
    expect(summary.skippedCells).toContainEqual({ file: 'wide_financials_bad_cells.csv', line: 7, column: 7, header: 'Earnings/Share', kind: 'notANumber', reason: expect.stringContaining('"#NULL!"') });
  });

  it('--strict counts skipped cells: nothing is pushed', async () => {
    const job = uniqueJob();
    const result = await runCli(['wide_financials_bad_cells.csv', '-j', job, '-g', gateway.url, '-m', 'sp500', '--label-column', 'Symbol', ...FINANCIAL_VALUES, '--strict']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --strict: 1 row(s) would be skipped and 4 value cell(s) would be skipped; nothing was pushed');
    expect(await gateway.group({ job })).toBeUndefined();
  });

  it('--max-skipped bounds skipped rows and skipped value cells each, as a count or a share', async () => {
    const args = (bound: string, job: string) => ['wide_financials_bad_cells.csv', '-j', job, '-g', gateway.url, '-m', 'sp500', '--label-column', 'Symbol', ...FINANCIAL_VALUES, '--max-skipped', bound];
    // 4 of 40 value cells (10%) and 1 of 8 rows (12.5%) skipped.
    for (const bound of ['4', '12.5%']) {
      const job = uniqueJob();
      const within = await runCli(args(bound, job));
      expect(within.code, `--max-skipped ${bound}: ${within.stderr}`).toBe(0);
      expect(Object.keys((await gateway.group({ job }))?.metrics ?? {})).toHaveLength(5);
    }
    const cells = await runCli(args('3', uniqueJob()));
    expect(cells.code).toBe(2);
    expect(cells.stderr).toContain('error: wide_financials_bad_cells.csv: 4 of its 40 value cells skipped (10%), more than --max-skipped 3 allows; nothing was sent. Fix the cells listed above, or raise --max-skipped');
    const share = await runCli(args('9%', uniqueJob()));
    expect(share.code).toBe(2);
    expect(share.stderr).toContain('error: wide_financials_bad_cells.csv: 1 of its 8 data rows skipped (12.5%), more than --max-skipped 9% allows');
  });

  it('a row whose good cells repeat an earlier row’s labels is still a duplicate; a bad cell does not hide it', async () => {
    const csv = 'host,a,b\nweb,1,2\nweb,,3\n';
    const job = uniqueJob();
    const result = await runCli(['-', '-j', job, '-g', gateway.url, '-m', 'm', '--value-column', 'a', '--value-column', 'b'], { input: csv });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("warning: standard input:3: same labels as line 2; this row's value replaces it");
    expect(result.stderr).toContain('standard input:3: column 2 ("a") holds an empty cell');
    const metrics = (await gateway.group({ job }))?.metrics;
    expect(metrics?.m_a?.samples).toEqual([{ labels: { host: 'web' }, value: 1 }]);
    expect(metrics?.m_b?.samples).toEqual([{ labels: { host: 'web' }, value: 3 }]);
  });

  it('a file whose every row has only bad value cells never clears the group', async () => {
    const job = uniqueJob();
    await runCli(['wide_financials_bad_cells.csv', '-j', job, '-g', gateway.url, '-m', 'sp500', '--label-column', 'Symbol', ...FINANCIAL_VALUES]);
    const before = await gateway.group({ job });
    const result = await runCli(['-', '-j', job, '-g', gateway.url, '-m', 'sp500', '--label-column', 'Symbol', '--value-column', 'Price', '--value-column', 'Market Cap'], {
      input: 'Symbol,Price,Market Cap\nMMM,,#NULL!\nAOS,n/a,\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: standard input: all 2 data rows were skipped');
    expect((await gateway.group({ job }))?.metrics).toEqual(before?.metrics);
  });
});

describe('choosing columns without typing each', () => {
  it('--value-columns numeric takes every all-number column, says so in --dry-run, --verbose and --json, and pushes them', async () => {
    const dryRun = await runCli(['wide_state_population.csv', '--dry-run', '-m', 'pop', '--value-columns', 'numeric']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stderr).toContain(
      'value columns: wide_state_population.csv: "Year", "Total", "Under 5" (all numbers in its first 3 data rows); the other columns are labels',
    );
    const job = uniqueJob();
    const pushed = await runCli(['wide_state_population.csv', '-j', job, '-g', gateway.url, '-m', 'pop', '--value-columns', 'numeric', '--ignore-column', 'Year', '--json', '--verbose']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stderr).toContain('value columns: wide_state_population.csv: "Total", "Under 5" (all numbers in its first 3 data rows)');
    expect(JSON.parse(pushed.stdout).valueColumnsChosen).toEqual([{ file: 'wide_state_population.csv', columns: ['Total', 'Under 5'], sampleRows: 3 }]);
    const metrics = (await gateway.group({ job }))?.metrics ?? {};
    expect(Object.keys(metrics).sort()).toEqual(['pop_total', 'pop_under_5']);
    expect(metrics.pop_total?.samples).toContainEqual({ labels: { state: 'Alabama', _5_to_13: '#N/A', note: 'census' }, value: 4779736 });
    // Wyoming's empty "Under 5" cell costs that sample alone.
    expect(metrics.pop_under_5?.samples.map((sample) => sample.labels.state).sort()).toEqual(['Alabama', 'Alaska']);
  });

  it('glob patterns in --value-column, --label-column and --ignore-column match raw or cleaned headers; exact names win', async () => {
    const job = uniqueJob();
    const result = await runCli([
      'wide_financials_bad_cells.csv', '-j', job, '-g', gateway.url, '-m', 'sp500',
      '--value-column', '*', '--label-column', 'Symbol', '--ignore-column', 'N*', '--ignore-column', 'sector',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const metrics = (await gateway.group({ job }))?.metrics ?? {};
    expect(Object.keys(metrics).sort()).toEqual(['sp500_dividend_yield', 'sp500_earnings_share', 'sp500_market_cap', 'sp500_price', 'sp500_price_earnings']);
    expect(metrics.sp500_price?.samples).toContainEqual({ labels: { symbol: 'MMM' }, value: 222.89 });

    const cleaned = await runCli(['wide_financials_bad_cells.csv', '--dry-run', '-m', 'sp500', '--value-column', '*_earnings', '--label-column', 'Symbol']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout.match(/^# TYPE \S+/gm)).toEqual(['# TYPE sp500_price_earnings']);

    const none = await runCli(['wide_financials_bad_cells.csv', '--dry-run', '--value-column', 'revenue_*']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: wide_financials_bad_cells.csv has no column matching "revenue_*" (--value-column); its columns are: Symbol, Name, Sector, Price');
  });

  it('with value columns given, one hint names the other columns that hold only numbers', async () => {
    const result = await runCli(['wide_state_population.csv', '--dry-run', '-m', 'pop', '--value-column', 'Total']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `hint: columns "Year" and "Under 5" hold only numbers but became labels; to push them as values too, pass --value-column Year --value-column 'Under 5', or --value-columns numeric`,
    );
    expect(result.stderr.match(/^hint:/gm)).toHaveLength(1);
  });
});

describe('hints where the file fools the reader', () => {
  it('a quote in a TSV that swallows a row: one warning naming the lines and --quote none, and with it every row lands', async () => {
    const tsv = 'name\tv\tnote\na\t1\t"x\nb\t2\ty"\nc\t3\tz\n';
    const job = uniqueJob();
    const fooled = await runCli(['-', '-j', job, '-g', gateway.url, '-m', 'm', '-d', 'tab', '--value-column', 'v'], { input: tsv });
    expect(fooled.code, fooled.stderr).toBe(0);
    expect(fooled.stderr).toContain(
      'warning: standard input:2: line 3 was read into one field starting at line 2, column 3 ("note"), because of a quote; if quotes in this file are ordinary characters (as in most TSV exports), pass --quote none',
    );
    expect(fooled.stderr.match(/^warning:/gm)).toHaveLength(1);
    const asText = await runCli(['-', '-j', job, '-g', gateway.url, '-m', 'm', '-d', 'tab', '--value-column', 'v', '--quote', 'none'], { input: tsv });
    expect(asText.code, asText.stderr).toBe(0);
    expect(asText.stderr).not.toContain('warning');
    expect((await gateway.group({ job }))?.metrics.m_v?.samples.map((sample) => sample.labels.name).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a header of one column holding ";": a hint naming -d, and the same in the unknown-column error', async () => {
    const hinted = await runCli(['semicolon_delimited.csv', '--dry-run', '-m', 'm']);
    expect(hinted.stderr).toContain(`hint: semicolon_delimited.csv: the header is one column holding ";": if that is the delimiter, pass -d ';'`);
    const unknown = await runCli(['semicolon_delimited.csv', '--dry-run', '-m', 'm', '--value-column', 'load']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      `error: semicolon_delimited.csv has no column "load" (--value-column); its columns are: host;region;load; the header is one column holding ";": if that is the delimiter, pass -d ';'`,
    );
    const tabs = await runCli(['-', '--dry-run', '-m', 'm', '--value-column', 'v'], { input: 'name\tv\na\t1\n' });
    expect(tabs.stderr).toContain('the header is one column holding tabs: if that is the delimiter, pass -d tab');
  });
});

describe('numbers as spreadsheets write them', () => {
  it('--decimal , --thousands . --strip reads a German export; without them the warning names the option', async () => {
    const job = uniqueJob();
    const args = ['decimal_comma_thousands_dot.csv', '-j', job, '-g', gateway.url, '-m', 'umsatz', '-d', ';', '--label-column', 'Filiale', '--value-column', 'Umsatz', '--value-column', 'Anteil'];
    const plain = await runCli([...args, '--max-skipped', '100%', '--dry-run']);
    expect(plain.stderr).toContain(`warning: decimal_comma_thousands_dot.csv:2: column 3 ("Umsatz") holds "1.234,50 €", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false), nor does its other value cell; --thousands . --decimal , --strip '€' reads it; row skipped`);
    const decimalOnly = await runCli([...args, '--strip', '€%', '--dry-run']);
    expect(decimalOnly.stderr).toContain(`holds "1.234,50 €", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false), nor does its other value cell; --thousands . --decimal , reads it; row skipped`);

    const read = await runCli([...args, '--decimal', ',', '--thousands', '.', '--strip', '€%']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stderr).not.toContain('warning');
    const metrics = (await gateway.group({ job }))?.metrics ?? {};
    const byBranch = (name: string) => Object.fromEntries((metrics[name]?.samples ?? []).map((sample) => [sample.labels.filiale, sample.value]));
    expect(byBranch('umsatz_umsatz')).toEqual({ Berlin: 1234.5, Hamburg: 987.25, München: 12345678 });
    expect(byBranch('umsatz_anteil')).toEqual({ Berlin: 12.5, Hamburg: 9.75, München: 77.75 });
  });

  it('--thousands , and --strip $ read quoted "1,174" and "$32,963.07"; grouping must be by threes', async () => {
    const job = uniqueJob();
    const values = ['--label-column', 'DRG Definition', '--value-column', 'Total Discharges', '--value-column', 'Average Covered Charges', '--rename', 'Total Discharges=discharges'];
    const plain = await runCli(['thousands_separators_quoted.csv', '--dry-run', '-m', 'drg', ...values]);
    expect(plain.stderr).toContain('warning: thousands_separators_quoted.csv:3: column 3 ("Total Discharges") holds "1,174", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false), nor does its other value cell; --thousands , reads it; row skipped');
    expect(plain.stderr).toContain(`holds "$32,963.07", not a number (use digits, an exponent, NaN, +Inf, -Inf, true or false); --thousands , --strip '$' reads it; this sample skipped, the row's other values kept`);
    const read = await runCli(['thousands_separators_quoted.csv', '-j', job, '-g', gateway.url, '-m', 'drg', ...values, '--thousands', ',', '--strip', '$']);
    expect(read.code, read.stderr).toBe(0);
    const metrics = (await gateway.group({ job }))?.metrics ?? {};
    expect(metrics.drg_discharges?.samples.map((sample) => sample.value).sort((a, b) => a - b)).toEqual([38, 91, 1174]);
    expect(metrics.drg_average_covered_charges?.samples.map((sample) => sample.value).sort((a, b) => a - b)).toEqual([15131.85, 32963.07, 40701.84]);

    const notGrouped = await runCli(['-', '--dry-run', '-m', 'm', '--value-column', 'v', '--thousands', ',', '--max-skipped', '100%'], { input: 'k,v\na,"1,5"\nb,"1,500"\n' });
    expect(notGrouped.stdout).toContain('m_v{k="b"} 1500');
    expect(notGrouped.stderr).toContain('warning: standard input:2: column 2 ("v") holds "1,5", not a number');
    const clash = await runCli(['-', '--dry-run', '-m', 'm', '--value-column', 'v', '--thousands', ',', '--decimal', ','], { input: 'k,v\na,1\n' });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('error: --thousands and --decimal cannot both be ","');
  });
});

describe('a value column whose header starts with a digit', () => {
  it('names its gauge with one underscore after the metric, where its label form needs a leading one', async () => {
    const result = await runCli(['-', '--dry-run', '-m', 'pop', '--value-column', '5 to 13', '--value-column', 'total'], { input: 'state,5 to 13,total\nOhio,7,9\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('pop_5_to_13{state="Ohio"} 7');
    expect(result.stdout).toContain('pop_total{state="Ohio"} 9');
  });
});
