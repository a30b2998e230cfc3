import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

function version(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('starting the bundled CLI', () => {
  it('has a code cache from the build, and starts with it', () => {
    expect(existsSync(join(dist, 'csv-push.cjs.v8cache'))).toBe(true);
    expect(version([BIN, '--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
  });

  it('starts when V8 rejects the cache (other flags, as with another Node.js build)', () => {
    expect(version(['--no-opt', BIN, '--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
  });

  /** A copy of dist/ (and package.json) to change without disturbing other tests. */
  function distCopy(withCache: boolean): string {
    const root = mkdtempSync(join(tmpdir(), 'csv-push-dist-'));
    const copy = join(root, 'dist');
    mkdirSync(copy);
    copyFileSync(join(dist, '..', 'package.json'), join(root, 'package.json'));
    for (const file of ['start.cjs', 'csv-push.cjs', ...(withCache ? ['csv-push.cjs.v8cache'] : [])]) copyFileSync(join(dist, file), join(copy, file));
    return copy;
  }

  function help(copy: string) {
    return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(copy, 'start.cjs'))}).start(['node', 'csv-push', '--help'])`], {
      encoding: 'utf8',
    });
  }

  it('starts without a cache at all', () => {
    const result = help(distCopy(false));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: csv-push [options] [files...]');
  });

  it('does not run a cache made from other source of the same length', () => {
    // V8 itself would accept it: it checks the length, not the content.
    const copy = distCopy(true);
    const bundle = readFileSync(join(copy, 'csv-push.cjs'), 'utf8');
    const changed = bundle.replace('Turn CSV rows into Prometheus gauges', 'TURN CSV ROWS INTO PROMETHEUS GAUGES');
    expect(changed.length).toBe(bundle.length);
    writeFileSync(join(copy, 'csv-push.cjs'), changed);
    const result = help(copy);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('TURN CSV ROWS INTO PROMETHEUS GAUGES');
  });

  it('exits quietly when stdout is closed early', () => {
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" --help | head -1`], { encoding: 'utf8' });
    expect(result.stdout).toBe('Usage: csv-push [options] [files...]\n');
    expect(result.stderr).toBe('');
  });
});
