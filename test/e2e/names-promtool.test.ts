import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireBinary } from '../../scripts/local-services.mjs';
import { FIXTURES, runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

/** promtool's verdict on an exposition text: its exit code (3 for lint findings) and what it printed. */
function promtoolCheck(text: string): { status: number | null; output: string } {
  requireBinary('promtool', 'prometheus');
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const UNIT_COLUMNS = ['--value-column', 'cpu load (%)', '--value-column', 'mem_used (MB)', '--value-column', 'codes 2xx', '--value-column', 'Disk Read (KB/s)'];

describe('names: cleaned headers, --rename, and promtool check metrics', () => {
  it('every fixture csv-push reads gives a --dry-run body promtool checks with no finding', async () => {
    const fixtures = readdirSync(FIXTURES).filter((name) => /\.(csv|tsv)(\.gz)?$/.test(name) && name !== 'unit_suffixed_headers.csv');
    const dryRuns = await Promise.all(fixtures.map(async (name) => ({ name, ...(await runCli([name, '--dry-run', '-m', 'fixture', ...(name.endsWith('.tsv') ? ['-d', 'tab'] : [])])) })));
    // Fixtures of input errors (a bad header, an unclosed quote, a wrong encoding) have no body.
    const bodies = dryRuns.filter((run) => run.code === 0);
    expect(bodies.length).toBeGreaterThan(25);
    for (const { name, stdout } of bodies) expect(promtoolCheck(stdout), name).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('cleans headers with units into snake_case names; promtool flags only the abbreviated units, which --rename answers', async () => {
    const plain = await runCli(['unit_suffixed_headers.csv', '--dry-run', '-m', 'host', ...UNIT_COLUMNS]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.match(/^# TYPE \S+/gm)).toEqual(['# TYPE host_cpu_load', '# TYPE host_mem_used_mb', '# TYPE host_codes_2xx', '# TYPE host_disk_read_kb_s']);
    expect(promtoolCheck(plain.stdout)).toEqual({
      status: 3,
      output: ['host_disk_read_kb_s metric names should not contain abbreviated units', 'host_disk_read_kb_s metric names should not contain abbreviated units', 'host_mem_used_mb metric names should not contain abbreviated units'].join('\n'),
    });

    // Spelled out, the units are still flagged: promtool wants base units (bytes), and csv-push does not scale values.
    const spelled = ['--rename', 'mem_used (MB)=mem_used_megabytes', '--rename', 'Disk Read (KB/s)=disk_read_kilobytes_per_second'];
    const spelledOut = await runCli(['unit_suffixed_headers.csv', '--dry-run', '-m', 'host', ...UNIT_COLUMNS, ...spelled]);
    expect(spelledOut.stdout).toContain('host_mem_used_megabytes{host="web-1"} 2048');
    expect(promtoolCheck(spelledOut.stdout)).toEqual({
      status: 3,
      output: ['host_disk_read_kilobytes_per_second use base unit "bytes" instead of "kilobytes"', 'host_mem_used_megabytes use base unit "bytes" instead of "megabytes"'].join('\n'),
    });
    const unitFree = ['--rename', 'mem_used (MB)=mem_used', '--rename', 'Disk Read (KB/s)=disk_read_rate'];
    const renamed = await runCli(['unit_suffixed_headers.csv', '--dry-run', '-m', 'host', ...UNIT_COLUMNS, ...unitFree]);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toContain('host_mem_used{host="web-1"} 2048');
    expect(promtoolCheck(renamed.stdout)).toEqual({ status: 0, output: '' });
  });

  it('--rename names a label column and a gauge; the pushed series carry those names', async () => {
    const job = uniqueJob();
    const result = await runCli([
      'wide_financials_bad_cells.csv', '-j', job, '-g', gateway.url, '-m', 'sp500',
      '--label-column', 'Symbol', '--rename', 'Symbol=ticker', '--value-column', 'Market Cap', '--rename', 'Market Cap=market_cap_dollars',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const metrics = (await gateway.group({ job }))?.metrics ?? {};
    expect(Object.keys(metrics)).toEqual(['sp500_market_cap_dollars']);
    expect(metrics.sp500_market_cap_dollars?.samples).toContainEqual({ labels: { ticker: 'MMM' }, value: 138721055226 });
  });

  it('a --rename naming no column, or giving no valid name, is a usage error naming the columns', async () => {
    const missing = await runCli(['unit_suffixed_headers.csv', '--dry-run', '--rename', 'memory=mem']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: --rename memory=mem: unit_suffixed_headers.csv has no column "memory"; its columns are: host, cpu load (%), mem_used (MB), codes 2xx, Disk Read (KB/s)');
    const invalid = await runCli(['unit_suffixed_headers.csv', '--dry-run', '--rename', 'host=2host']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('error: --rename "host=2host": "2host" is not a valid name');
    const punctuation = await runCli(['-', '--dry-run', '-m', 'm'], { input: 'host,%\nweb,1\n' });
    expect(punctuation.code).toBe(2);
    expect(punctuation.stderr).toContain(`error: standard input:1: column 2 header "%" has no letter or digit to make a name of; rename the column, or pass --rename '%=name'`);
  });
});
