import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
const root = fileURLToPath(new URL('../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** The package as npm would publish it, installed globally into a prefix of its own, as a user installs it. */
describe('the packed tarball, installed with npm install -g', () => {
  let installed: string;
  let gateway: RunningGateway;
  let caFile: string;

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
    const work = mkdtempSync(join(tmpdir(), 'csv-push-pack-'));
    // dist/ is already built by `npm test`; the tarball takes it as it is.
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root });
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack left no tarball in ${work}`);
    const prefix = join(work, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], { cwd: work });
    installed = join(prefix, 'bin', 'csv-push');

    const pki = makePki();
    caFile = pki.caCert;
    gateway = await startSecuredGateway(pki, { tls: true });
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers --version from the installed bin', async () => {
    const { stdout } = await run(installed, ['--version'], { cwd: tmpdir() });
    expect(stdout).toBe(`${version}\n`);
  });

  it('pushes over https to a real gateway from the installed bin', async () => {
    const { stderr } = await run(installed, [join(FIXTURES, 'example_data.csv'), '--job', 'installed', '-g', gateway.url, '--ca-file', caFile], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    });
    expect(stderr).toContain(`✔ pushed 3 series from 4 rows, 1 row skipped to ${gateway.url} as {job="installed"} (PUT)`);
    expect((await gateway.group({ job: 'installed' }))?.metrics.example_data?.samples).toHaveLength(3);
  });
});
