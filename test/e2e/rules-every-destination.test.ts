import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';
import { exportVictoriaMetrics, useVictoriaMetrics } from '../helpers/receivers.js';

// The rules on skipped rows and cells hold for every destination, and a dry run exits as the
// real run does: the Pushgateway, a textfile and remote write (a real VictoriaMetrics).

const { gateway, uniqueJob } = useGateway();
const victoria = useVictoriaMetrics();
const work = mkdtempSync(join(tmpdir(), 'csv-push-rules-'));
let runs = 0;

/** The three destinations, each as the arguments that send there; a fresh target every call. */
const DESTINATIONS = {
  pushgateway: () => ['-j', uniqueJob(), '-g', gateway.url],
  textfile: () => ['--textfile', join(work, `run-${++runs}.prom`)],
  'remote write': () => ['--remote-write', victoria.current().url, '-j', `rules_${++runs}`],
} as const;

const FINANCIAL_VALUES = ['--label-column', 'Symbol', '--value-column', 'Price', '--value-column', 'Price/Earnings', '--value-column', 'Dividend Yield', '--value-column', 'Earnings/Share', '--value-column', 'Market Cap'];

/** The option a refusal tells the user to pass: `pass --max-skipped 100% to ...` gives `['--max-skipped', '100%']`. */
function suggestedOption(message: string): string[] {
  const match = /pass (--[\w-]+)(?: (\S+))? to/.exec(message);
  if (match === null) throw new Error(`no option suggested in: ${message}`);
  return match.slice(1, 3).filter((part): part is string => part !== undefined);
}

describe('a file whose every row is skipped: the same truth for every destination', () => {
  for (const [name, destination] of Object.entries(DESTINATIONS)) {
    it(`${name}: exits 2 and sends nothing, --dry-run exits 2 with the same words, and the option it suggests is taken`, async () => {
      const target = destination();
      const args = ['decimal_commas_all_skipped.csv', ...target, '-m', 'all_skipped', '--value-column', 'load'];
      const real = await runCli([...args, '--json']);
      expect(real.code, real.stderr).toBe(2);
      expect(JSON.parse(real.stdout)).toMatchObject({ ok: false, seriesPushed: 0, rowsSkipped: 2, error: { code: 'SKIPPED_ROWS', exitCode: 2 } });
      const error = /^error: .*$/m.exec(real.stderr)?.[0] ?? '';
      expect(error).toContain('decimal_commas_all_skipped.csv: all 2 data rows were skipped (2 with a value that is not a number)');

      // (A dry run prints on stdout, so --json is not taken beside it, except by remote write's.)
      const dryRun = await runCli([...args, '--dry-run']);
      expect(dryRun.code, dryRun.stderr).toBe(real.code);
      expect(/^error: .*$/m.exec(dryRun.stderr)?.[0]).toBe(error);

      // Nothing landed: no group, no file, no samples.
      if (name === 'pushgateway') expect(await gateway.group({ job: target[1] as string })).toBeUndefined();
      if (name === 'textfile') expect(existsSync(target[1] as string)).toBe(false);
      if (name === 'remote write') expect(await exportVictoriaMetrics(victoria.current().url, `{__name__="all_skipped_load",job="${target[3]}"}`, 0)).toEqual([]);

      // The way out the message names is one the same command takes, dry run or not.
      const suggested = suggestedOption(error);
      expect(suggested).toEqual(['--max-skipped', '100%']);
      const anyway = await runCli([...args, ...suggested, '--json']);
      expect(anyway.code, anyway.stderr).toBe(0);
      expect(JSON.parse(anyway.stdout)).toMatchObject({ ok: true, rowsSkipped: 2 });
      const anywayDry = await runCli([...args, ...suggested, '--dry-run']);
      expect(anywayDry.code, anywayDry.stderr).toBe(0);
    });
  }

  it('says what each destination would lose, and names its own verb', async () => {
    const messages = await Promise.all(
      Object.values(DESTINATIONS).map(async (destination) => (await runCli(['decimal_commas_all_skipped.csv', ...destination(), '-m', 'x', '--value-column', 'load', '--dry-run'])).stderr),
    );
    expect(messages[0]).toContain('a PUT of no series would empty the group; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to push anyway');
    expect(messages[1]).toContain('writing no series would empty the textfile; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to write it anyway');
    expect(messages[2]).toContain('there is nothing to send; nothing was sent. Fix the rows listed above, or pass --max-skipped 100% to send anyway');
  });
});

describe('skipped value cells go through the same rules for a textfile and remote write', () => {
  it('textfile: every good cell is written; --strict and --max-skipped count the bad cells, and the dry run agrees', async () => {
    const target = join(work, 'wide.prom');
    const args = ['wide_financials_bad_cells.csv', '--textfile', target, '-m', 'sp500', ...FINANCIAL_VALUES];
    const written = await runCli(args);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toContain('31 series from 8 rows, 1 row skipped, 4 value cells skipped');
    const text = readFileSync(target, 'utf8');
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toHaveLength(31);
    expect(text).toContain('sp500_price{symbol="ATVI"} 65.83\n');
    expect(text).not.toMatch(/sp500_earnings_share\{symbol="(AOS|ATVI)"\}/);

    for (const [rule, message] of [
      [['--strict'], 'error: --strict: 1 row(s) would be skipped and 4 value cell(s) would be skipped; nothing was written'],
      [['--max-skipped', '3'], 'error: wide_financials_bad_cells.csv: 4 of its 40 value cells skipped (10%), more than --max-skipped 3 allows; nothing was sent'],
    ] as const) {
      const other = join(work, `wide-${rule[0].slice(2)}.prom`);
      const withRule = ['wide_financials_bad_cells.csv', '--textfile', other, '-m', 'sp500', ...FINANCIAL_VALUES, ...rule];
      const real = await runCli(withRule);
      const dryRun = await runCli([...withRule, '--dry-run']);
      expect(real.code, real.stderr).toBe(2);
      expect(dryRun.code, dryRun.stderr).toBe(2);
      expect(real.stderr).toContain(message);
      expect(dryRun.stderr).toContain(message);
      expect(existsSync(other)).toBe(false);
    }
  });

  it('remote write: every good cell lands in VictoriaMetrics; the dry run holds the file to --strict and --max-skipped by its cells', async () => {
    const url = victoria.current().url;
    const args = ['wide_financials_bad_cells.csv', '--remote-write', url, '-m', 'sp500_rw', ...FINANCIAL_VALUES];
    const sent = await runCli([...args, '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ ok: true, seriesPushed: 31, rowsSkipped: 1, cellsSkipped: 4, cellsSkippedByReason: { emptyValue: 2, notANumber: 2 } });
    const stored = await exportVictoriaMetrics(url, '{__name__=~"sp500_rw_.*"}', 31);
    expect(stored).toHaveLength(31);
    const earnings = stored.filter((sample) => sample.labels.__name__ === 'sp500_rw_earnings_share').map((sample) => sample.labels.symbol).sort();
    expect(earnings).toEqual(['ABBV', 'ABT', 'ACN', 'ADBE', 'MMM']);

    const strict = await runCli([...args, '--dry-run', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('error: --strict: 1 row(s) would be skipped and 4 value cell(s) would be skipped');
    const bounded = await runCli([...args, '--dry-run', '--max-skipped', '3']);
    expect(bounded.code).toBe(2);
    expect(bounded.stderr).toContain('error: wide_financials_bad_cells.csv: 4 of its 40 value cells skipped (10%), more than --max-skipped 3 allows');
    // Its advice, raise --max-skipped, is taken by the same (dry-run) command.
    const raised = await runCli([...args, '--dry-run', '--max-skipped', '4']);
    expect(raised.code, raised.stderr).toBe(0);
  });
});
