import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalService, type LocalService } from '../../scripts/local-services.mjs';
import { BIN, FIXTURES, type CliResult } from '../helpers/cli.js';
import { scrapeNodeExporter } from '../helpers/receivers.js';

// A hardened server: csv-push runs as root under a strict umask, node_exporter as an unprivileged
// user. What node_exporter serves is what a user gets.

const directory = mkdtempSync(join(tmpdir(), 'csv-push-textfile-modes-'));
let exporter: LocalService | undefined;

/** csv-push as cron runs it under `umask`: through a shell that sets it first. */
function runUnderUmask(umask: string, args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
      cwd: FIXTURES,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const modeOf = (path: string): string => (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');

beforeAll(async () => {
  if (process.getuid?.() !== 0) {
    throw new Error('this test writes as root and runs node_exporter as the user nobody (runuser needs root), as CI does: run it as root');
  }
  // node_exporter, as nobody, must be able to enter the directory (mkdtemp makes it 0700).
  chmodSync(directory, 0o755);
  exporter = await startLocalService({
    name: 'node_exporter as nobody',
    binary: 'runuser',
    debianPackage: 'util-linux',
    args: (port) => [
      '-u', 'nobody', '--', 'prometheus-node-exporter',
      `--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.textfile',
      `--collector.textfile.directory=${directory}`, '--log.level=warn',
    ],
    readyPath: '/metrics',
    directory,
  });
}, 60_000);

afterAll(async () => {
  await exporter?.stop();
  rmSync(directory, { recursive: true, force: true });
});

/** The scrape, and whether node_exporter could read every file. */
async function scrape(): Promise<string> {
  return scrapeNodeExporter((exporter as LocalService).url);
}

describe('--textfile under a strict umask, served by node_exporter running as nobody', () => {
  for (const umask of ['027', '077']) {
    it(`a new file written under umask ${umask} is 0644 and node_exporter serves it`, async () => {
      const name = `umask_${umask}`;
      const path = join(directory, `${name}.prom`);
      const result = await runUnderUmask(umask, ['example_data.csv', '--textfile', path, '--metric', name, '-q']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(modeOf(path)).toBe('0644');
      const scraped = await scrape();
      expect(scraped).toContain('node_textfile_scrape_error 0');
      expect(scraped).toContain(`${name}{name="foo",value="1"} 1`);
    });
  }

  it('keeps the mode and owner of a file it replaces, even under umask 077, and --file-mode chooses', async () => {
    const path = join(directory, 'kept.prom');
    writeFileSync(path, '# an older file\n');
    chmodSync(path, 0o644);
    expect((await runUnderUmask('077', ['example_data.csv', '--textfile', path, '--metric', 'kept', '-q'])).code).toBe(0);
    expect(modeOf(path)).toBe('0644');
    expect(await scrape()).toContain('kept{name="bar",value="2"} 1');

    // A file the exporter's user owns, group-readable only: replaced as root, it stays theirs.
    chownSync(path, 65534, 65534);
    chmodSync(path, 0o640);
    expect((await runUnderUmask('077', ['example_data.csv', '--textfile', path, '--metric', 'kept', '-q'])).code).toBe(0);
    expect(modeOf(path)).toBe('0640');
    expect(statSync(path).uid).toBe(65534);
    expect(statSync(path).gid).toBe(65534);
    expect(await scrape()).toContain('node_textfile_scrape_error 0');

    expect((await runUnderUmask('022', ['example_data.csv', '--textfile', path, '--metric', 'kept', '--file-mode', '600', '-q'])).code).toBe(0);
    expect(modeOf(path)).toBe('0600');
    expect(statSync(path).uid).toBe(65534);
  });

  it('shows what the umask did before: a 0600 file root owns is an error node_exporter reports', async () => {
    // The check the whole test rests on: node_exporter as nobody really cannot read such a file.
    const path = join(directory, 'unreadable.prom');
    expect((await runUnderUmask('077', ['example_data.csv', '--textfile', path, '--metric', 'unreadable', '--file-mode', '0600', '-q'])).code).toBe(0);
    const scraped = await scrape();
    expect(scraped).toContain('node_textfile_scrape_error 1');
    expect(scraped).not.toContain('unreadable{');
    rmSync(path);
    expect(await scrape()).toContain('node_textfile_scrape_error 0');
  });
});
