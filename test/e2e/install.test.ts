import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.error !== undefined) throw result.error;
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return `${result.stdout}${result.stderr}`;
}

const QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'];

// The README's install section, done as written: a tarball made by `npm pack` installs globally and
// as a project's devDependency with no build step (dist/ is in the tarball).
describe('installing the packed tarball', () => {
  it('works globally and with npx in a project that only has Node.js', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-push-install-'));
    const tarball = join(dir, run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--loglevel=warn'], ROOT).trim().split('\n').pop() ?? '');

    const prefix = join(dir, 'global');
    // --ignore-scripts: nothing needs to run, and npm 11 then has no `prepare` to list as unapproved
    const globalLog = run('npm', ['install', '-g', '--ignore-scripts', '--prefix', prefix, tarball, ...QUIET], dir);
    expect(globalLog).not.toContain('install-scripts');
    expect(run(join(prefix, 'bin', 'csv-push'), ['--version'], dir).trim()).toBe(VERSION);
    expect(run(join(prefix, 'bin', 'csv-push'), ['prune', '--help'], dir)).toContain('Usage: csv-push prune [options]');

    const project = join(dir, 'project');
    run('mkdir', [project], dir);
    writeFileSync(join(project, 'package.json'), '{ "name": "uses-csv-push", "private": true }\n');
    run('npm', ['install', '--save-dev', tarball, ...QUIET], project);
    expect(run('npx', ['--no-install', 'csv-push', '--version'], project).trim()).toBe(VERSION);
  });
});
