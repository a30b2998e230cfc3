import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
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

  it('starts without a cache at all', () => {
    const root = mkdtempSync(join(tmpdir(), 'csv-push-dist-'));
    const copy = join(root, 'dist');
    mkdirSync(copy);
    copyFileSync(join(dist, '..', 'package.json'), join(root, 'package.json'));
    copyFileSync(join(dist, 'start.cjs'), join(copy, 'start.cjs'));
    copyFileSync(join(dist, 'csv-push.cjs'), join(copy, 'csv-push.cjs'));
    const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(copy, 'start.cjs'))}).start(['node', 'csv-push', '--help'])`], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: csv-push [options] [files...]');
  });
});
