import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/cli.js';
import type { RunningGateway } from '../helpers/pushgateway.js';
import { startSecuredGateway } from '../helpers/secured-gateway.js';
import { makePki } from '../helpers/tls.js';

const run = promisify(execFile);
const QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'];
const root = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/**
 * The package as npm would publish it, installed as docs/install.md says: globally
 * into a prefix of its own, and as a project's devDependency run with npx.
 */
describe('the packed tarball, installed', () => {
  let work: string;
  let tarball: string;
  let installed: string;
  let gateway: RunningGateway;
  let caFile: string;

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
    work = mkdtempSync(join(tmpdir(), 'csv-push-pack-'));
    // dist/ is already built by `npm test`; the tarball takes it as it is.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--loglevel=warn'], { cwd: root });
    const packed = readdirSync(work).find((file) => file.endsWith('.tgz'));
    if (packed === undefined) throw new Error(`npm pack left no tarball in ${work}`);
    tarball = join(work, packed);
    const prefix = join(work, 'prefix');
    // --ignore-scripts: nothing needs to run, and npm 11 then has no `prepare` to list as unapproved.
    const { stderr } = await run('npm', ['install', '-g', '--ignore-scripts', '--prefix', prefix, tarball, ...QUIET], { cwd: work });
    expect(stderr).not.toContain('install-scripts');
    installed = join(prefix, 'bin', 'csv-push');

    const pki = makePki();
    caFile = pki.caCert;
    gateway = await startSecuredGateway(pki, { tls: true });
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers --version and prune --help from the installed bin', async () => {
    expect((await run(installed, ['--version'], { cwd: tmpdir() })).stdout).toBe(`${version}\n`);
    expect((await run(installed, ['prune', '--help'], { cwd: tmpdir() })).stdout).toContain('Usage: csv-push prune [options]');
  });

  it('runs with npx in a project that has it as a devDependency', async () => {
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "uses-csv-push", "private": true }\n');
    await run('npm', ['install', '--save-dev', tarball, ...QUIET], { cwd: project });
    expect((await run('npx', ['--no-install', 'csv-push', '--version'], { cwd: project })).stdout).toBe(`${version}\n`);
  }, 120_000);

  it('pushes over https to a real gateway from the installed bin', async () => {
    const { stderr } = await run(installed, [join(FIXTURES, 'example_data.csv'), '--job', 'installed', '-g', gateway.url, '--ca-file', caFile], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    expect(stderr).toContain(`✔ pushed 3 series from 4 rows, 1 row skipped to ${gateway.url} as {job="installed"} (PUT)`);
    expect((await gateway.group({ job: 'installed' }))?.metrics.example_data?.samples).toHaveLength(3);
  });
});
