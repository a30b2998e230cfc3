import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

/** A checkout as GitHub Actions lays it out: the workspace, with the CSVs in a subdirectory. */
function workspace(): { root: string; summary: string; env: Record<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'csv-push-gha-'));
  mkdirSync(join(root, 'reports'));
  const summary = join(root, 'step-summary.md');
  return { root, summary, env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: summary } };
}

describe('in a GitHub Actions step', () => {
  it('annotates each row warning at its file and line, and appends a Markdown summary of the run', async () => {
    const { root, summary, env } = workspace();
    // commas and colons in a file name must be escaped in the annotation's properties
    copyFileSync(join(FIXTURES, 'example_data.csv'), join(root, 'reports', 'q3, final: v2.csv'));
    writeFileSync(summary, '# earlier step output\n');
    const job = uniqueJob();
    const result = await runCli(['reports/q3, final: v2.csv', '--job', job, '-g', gateway.url, '--metric', 'q3', '--label', 'note=a|b'], { env, cwd: root });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: reports/q3, final: v2.csv:5: expected 2 columns (as the header has), found 1; row skipped\n' +
        '::warning file=reports/q3%2C final%3A v2.csv,line=5::reports/q3, final: v2.csv:5: expected 2 columns (as the header has), found 1; row skipped\n',
    );
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# earlier step output\n### csv-push: ✅ pushed\n\n')).toBe(true);
    expect(markdown).toContain(`| destination | ${gateway.url} {job="${job}", note="a\\|b"} (PUT) |`);
    expect(markdown).toContain('| rows read | 4 |\n| series | 3 |\n| skipped rows | 1 |\n| duplicate rows | 0 |\n');
    expect(markdown).toMatch(/\| duration \| \d+ ms \|\n/);
    expect(markdown).toContain(
      '| skipped because | rows | first lines |\n| --- | ---: | --- |\n| expected 2 columns (as the header has), found 1 | 1 | reports/q3, final: v2.csv:5 |\n',
    );
  });

  it('counts the skipped rows past the first hundred by reason in the summary', async () => {
    const { root, summary, env } = workspace();
    const rows = Array.from({ length: 150 }, (_, index) => (index % 50 === 0 ? `pkg-${index},n/a` : `pkg-${index},`));
    writeFileSync(join(root, 'reports', 'sizes.csv'), ['package,size', 'kept,1', ...rows, ''].join('\n'));
    const result = await runCli(['reports/sizes.csv', '--job', uniqueJob(), '-g', gateway.url, '--value-column', 'size', '-q'], { env, cwd: root });
    expect(result.code).toBe(0);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain('| skipped rows | 150 |');
    // 100 listed: the "n/a" of data rows 1 and 51 and 98 empty cells; the other 50 only counted.
    expect(markdown).toMatch(/\| column 2 \("size"\) holds an empty cell, not a number [^|]+\| 98 \| reports\/sizes\.csv:4, /);
    expect(markdown).toContain('| more rows, not listed one by one | 50 | 1 with a value that is not a number, 49 with an empty value cell |');
  });

  it('annotates a failed push as an error, summarises it, and stays quiet outside Actions', async () => {
    const { root, summary, env } = workspace();
    const failed = await runCli(['example_data.csv', '--job', 'j', '-g', 'http://127.0.0.1:9', '--retries', '0'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('::error::cannot reach the gateway at http://127.0.0.1:9/metrics/job/j: connection refused');
    // run from the fixtures directory, outside the workspace: the file keeps the name it was given
    expect(failed.stderr).toContain('::warning file=example_data.csv,line=5::');
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain('### csv-push: ❌ push failed\n');
    expect(markdown).toContain('| error | cannot reach the gateway at http://127.0.0.1:9/metrics/job/j: connection refused');

    const plain = await runCli(['example_data.csv', '--job', uniqueJob(), '-g', gateway.url], { env: { GITHUB_WORKSPACE: root } });
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain('::');
  });

  it('summarises a prune: what was deleted', async () => {
    const { summary, env } = workspace();
    const job = uniqueJob();
    expect((await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '--label', 'path=/tmp/x', '-q'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const pruned = await runCli(['prune', '--older-than', '1s', '--job', job, '-g', gateway.url], { env });
    expect(pruned.code).toBe(0);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toMatch(new RegExp(`^### csv-push prune: ✅ deleted 1 of 1 group matching job="${job}" not pushed for 1s from ${gateway.url} \\(\\d+ groups on the gateway\\)\\n\\n`));
    expect(markdown).toMatch(new RegExp(`\\| job="${job}", path="/tmp/x" \\| 3 \\| \\d{4}-[^|]+Z \\| deleted \\|\\n`));
  });
});
