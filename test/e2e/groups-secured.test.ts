import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { getJson } from '../helpers/http-get.js';
import { useGateway } from '../helpers/pushgateway.js';
import { bcryptHash, makePki, pem, writeWebConfig } from '../helpers/tls.js';

const PASSWORD = 'groups-S3cret pw';
const pki = makePki();
const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
const config = writeWebConfig(
  pki.dir,
  'groups-web.yml',
  `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\nbasic_auth_users:\n  alice: ${bcryptHash(PASSWORD, pki.dir)}\n`,
);
const { gateway, uniqueJob } = useGateway({
  args: [`--web.config.file=${config}`],
  scheme: 'https',
  readBack: (url) => getJson(url, { ca: pem(pki.caCert), headers: { authorization: basic } }),
});

const passwordFile = join(pki.dir, 'groups-password');
writeFileSync(passwordFile, `${PASSWORD}\n`);
const secured = () => ['-g', gateway.url, '--ca-file', pki.caCert, '--username', 'alice', '--password-file', passwordFile];

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(basic.slice('Basic '.length));
}

describe('groups and prune against a gateway behind TLS and basic auth', () => {
  it('lists and prunes with a private CA and a password file, never printing the password', async () => {
    const job = uniqueJob();
    for (const labels of [[], ['--label', 'path=/etc/cron.d']]) {
      const pushed = await runCli(['example_data.csv', '--job', job, ...labels, ...secured(), '-q']);
      expect(pushed.code).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const listed = await runCli(['groups', '--job', job, '--json', '--verbose', ...secured()]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).groups.map((group: { labels: unknown }) => group.labels)).toEqual([{ job }, { job, path: '/etc/cron.d' }]);
    expect(listed.stderr).toContain(`GET ${gateway.url}/api/v1/metrics: HTTP 200`);
    expectNoSecret(listed.stdout + listed.stderr);

    const pruned = await runCli(['prune', '--older-than', '1s', '--job', job, '--verbose', ...secured()]);
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toContain(`DELETE ${gateway.url}/metrics/job/${job}/path@base64/${Buffer.from('/etc/cron.d').toString('base64url')}: HTTP 202`);
    expect(pruned.stdout).toContain(`deleted {job="${job}", path="/etc/cron.d"}`);
    expectNoSecret(pruned.stdout + pruned.stderr);
    expect((await gateway.groups()).filter((group) => group.labels.job === job)).toEqual([]);
  });

  it('fails with exit 1 and what to do on a wrong password or an untrusted certificate', async () => {
    const wrongFile = join(pki.dir, 'wrong-password');
    writeFileSync(wrongFile, 'not-the-Pa55word\n');
    const wrong = await runCli(['prune', '--older-than', '1d', '-g', gateway.url, '--ca-file', pki.caCert, '--username', 'alice', '--password-file', wrongFile]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`error: the gateway refused GET ${gateway.url}/api/v1/metrics with HTTP 401 Unauthorized`);
    expect(wrong.stderr).toContain('check the credentials');
    expect(wrong.stderr).not.toContain('not-the-Pa55word');
    const untrusted = await runCli(['groups', '-g', gateway.url, '--username', 'alice', '--password-file', passwordFile]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain("the gateway's certificate is not trusted");
    expect(untrusted.stderr).toContain('pass --ca-file with the CA that signed it');
    expectNoSecret(untrusted.stderr);
  });
});
