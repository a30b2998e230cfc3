import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';
import { exportVictoriaMetrics, useVictoriaMetrics } from '../helpers/receivers.js';

// Output trouble never costs data: a warning that cannot be printed (stderr closed, a pipe whose
// reader left, a full device) is dropped, and the push, the textfile or the remote write goes on.
// The shell does the redirections, as a user's cron line or CI step does.

const { gateway, uniqueJob } = useGateway();
const victoria = useVictoriaMetrics();

/** 3 good rows and 4,000 short ones: with --verbose, 4,000 warning lines, far more than a pipe holds. */
function noisyCsv(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-output-'));
  const path = join(dir, 'noisy.csv');
  const bad = Array.from({ length: 4000 }, (_, index) => `short-row-${index}`);
  writeFileSync(path, `host,zone\nweb-1,eu\nweb-2,us\nweb-3,ap\n${bad.join('\n')}\n`);
  return { dir, path };
}

const REDIRECTIONS = {
  'stderr closed (2>&-)': '2>&-',
  'stderr on /dev/full': '2>/dev/full',
  'stderr and stdout piped into head -1': '2>&1 | head -1 >/dev/null',
  'stderr piped into a reader that is gone': '2>&1 | (exit 0)',
} as const;

/** Runs the CLI through bash with the redirection; resolves with the CLI's own exit code. */
function runRedirected(args: readonly string[], redirection: string): Promise<number> {
  const quoted = [process.execPath, BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${quoted} --verbose ${redirection}; exit \${PIPESTATUS[0]}`], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
}

describe.each(Object.entries(REDIRECTIONS))('with %s', (_name, redirection) => {
  it('a push lands on the real gateway, exit 0', async () => {
    const job = uniqueJob();
    const { path } = noisyCsv();
    expect(await runRedirected([path, '--job', job, '-g', gateway.url, '-m', 'noisy'], redirection)).toBe(0);
    const stored = await gateway.group({ job });
    expect(stored?.metrics.noisy?.samples.map((sample) => sample.labels.host).sort()).toEqual(['web-1', 'web-2', 'web-3']);
  });

  it('a textfile is written whole, exit 0', async () => {
    const { dir, path } = noisyCsv();
    const textfile = join(dir, 'noisy.prom');
    expect(await runRedirected([path, '--textfile', textfile, '-m', 'noisy'], redirection)).toBe(0);
    expect(readFileSync(textfile, 'utf8').match(/^noisy\{/gm)).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['noisy.csv', 'noisy.prom']);
  });

  it('a remote write lands in VictoriaMetrics, exit 0', async () => {
    const job = uniqueJob();
    const { path } = noisyCsv();
    expect(await runRedirected([path, '--remote-write', `${victoria.current().url}/api/v1/write`, '--job', job, '-m', 'noisy'], redirection)).toBe(0);
    const stored = await exportVictoriaMetrics(victoria.current().url, `noisy{job="${job}"}`, 3);
    expect(stored.map((sample) => sample.labels.host).sort()).toEqual(['web-1', 'web-2', 'web-3']);
  });
});

describe('the exit code still tells the truth when nothing can be printed', () => {
  it('a push to a closed port with stderr closed exits 1', async () => {
    const { path } = noisyCsv();
    expect(await runRedirected([path, '--job', uniqueJob(), '-g', 'http://127.0.0.1:9', '--retries', '0'], '2>&-')).toBe(1);
  });
});
