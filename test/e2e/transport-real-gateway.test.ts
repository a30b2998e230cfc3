import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startPushgateway, type RunningGateway, groupAfterDelete } from '../helpers/pushgateway.js';
import { startSecuredGateway } from '../helpers/secured-gateway.js';
import { makePki, type TestPki } from '../helpers/tls.js';

// Every transport feature, through the CLI users run (bin/csv-push.js), against a real Pushgateway.

const PASSWORD = 's3cret/pass word';
const SECRETS = [PASSWORD, Buffer.from(`alice:${PASSWORD}`).toString('base64'), 'tok-SECRET-77'];

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

function expectLanded(result: CliResult): void {
  expect(result.code, result.stderr).toBe(0);
  for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
}

async function seriesOf(gateway: RunningGateway, job: string): Promise<number> {
  return (await gateway.group({ job }))?.metrics.example_data?.samples.length ?? 0;
}

describe('the CLI against a gateway serving TLS with basic auth', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startSecuredGateway(pki, { tls: true, alicePassword: PASSWORD });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('pushes over https with --ca-file and credentials from the environment, --gzip too', async () => {
    const env = { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: PASSWORD };
    expectLanded(await runCli(['example_data.csv', '-j', 'tls_env', '-g', gateway.url, '--ca-file', pki.caCert, '--verbose', '--json'], { env }));
    expectLanded(await runCli(['example_data.csv', '-j', 'tls_gzip', '-g', gateway.url, '--ca-file', pki.caCert, '--gzip'], { env }));
    expect(await seriesOf(gateway, 'tls_env')).toBe(3);
    expect(await seriesOf(gateway, 'tls_gzip')).toBe(3);
  });

  it('takes credentials from PUSHGATEWAY_URL user info, or --username with --password-file', async () => {
    const withUserInfo = gateway.url.replace('https://', `https://alice:${encodeURIComponent(PASSWORD)}@`);
    const fromUrl = await runCli(['example_data.csv', '-j', 'tls_url', '--ca-file', pki.caCert], { env: { PUSHGATEWAY_URL: withUserInfo } });
    expectLanded(fromUrl);
    expect(fromUrl.stderr).toContain(`to ${gateway.url} as {job="tls_url"}`);
    const passwordFile = join(pki.dir, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    expectLanded(
      await runCli(['example_data.csv', '-j', 'tls_file', '-g', gateway.url, '--ca-file', pki.caCert, '--username', 'alice', '--password-file', passwordFile]),
    );
    expect(await seriesOf(gateway, 'tls_url')).toBe(3);
    expect(await seriesOf(gateway, 'tls_file')).toBe(3);
  });

  it('--insecure pushes without the CA, warning that it did', async () => {
    const result = await runCli(['example_data.csv', '-j', 'tls_insecure', '-g', gateway.url, '--insecure'], {
      env: { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: PASSWORD },
    });
    expectLanded(result);
    expect(result.stderr).toContain("warning: --insecure: the gateway's TLS certificate is not verified");
    expect(await seriesOf(gateway, 'tls_insecure')).toBe(3);
  });

  it('an untrusted certificate and a wrong password each fail with exit 1 and one line saying what to do', async () => {
    const untrusted = await runCli(['example_data.csv', '-j', 'tls_untrusted', '-g', gateway.url]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^error: the gateway's certificate is not trusted \([A-Z_]+\) at https:\/\/127\.0\.0\.1:\d+\/metrics\/job\/tls_untrusted: pass --ca-file with the CA that signed it, or add that CA to the system trust store$/m);
    const wrong = await runCli(['example_data.csv', '-j', 'tls_wrong', '-g', gateway.url, '--ca-file', pki.caCert], {
      env: { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: 'wrong-Pa55' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('HTTP 401 Unauthorized');
    expect(wrong.stderr).not.toContain('wrong-Pa55');
    expect(await gateway.group({ job: 'tls_untrusted' })).toBeUndefined();
    expect(await gateway.group({ job: 'tls_wrong' })).toBeUndefined();
  });
});

describe('the CLI against a gateway demanding a client certificate', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startSecuredGateway(pki, { clientCertificate: true });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('pushes with --cert-file and --key-file, and says what is missing without them', async () => {
    expectLanded(
      await runCli(['example_data.csv', '-j', 'mtls', '-g', gateway.url, '--ca-file', pki.caCert, '--cert-file', pki.clientCert, '--key-file', pki.clientKey]),
    );
    expect(await seriesOf(gateway, 'mtls')).toBe(3);
    const without = await runCli(['example_data.csv', '-j', 'mtls_missing', '-g', gateway.url, '--ca-file', pki.caCert, '--retries', '0']);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('it may demand a client certificate: pass --cert-file and --key-file');
  });
});

describe('the CLI against a gateway behind a path prefix', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startPushgateway({ args: ['--web.route-prefix=/pgw'], prefix: '/pgw' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('pushes under the prefix with a bearer token and -H headers, and deletes there', async () => {
    const tokenFile = join(pki.dir, 'token');
    writeFileSync(tokenFile, 'tok-SECRET-77\n');
    expect(gateway.url).toMatch(/\/pgw$/);
    expectLanded(
      await runCli(['example_data.csv', '-j', 'prefixed', '-g', gateway.url, '--bearer-token-file', tokenFile, '-H', 'X-Scope-OrgID: team-a', '--gzip', '--verbose']),
    );
    expect(await seriesOf(gateway, 'prefixed')).toBe(3);
    expectLanded(await runCli(['--delete', '-j', 'prefixed', '-g', gateway.url]));
    expect(await groupAfterDelete(gateway, { job: 'prefixed' })).toBeUndefined();
  });
});
