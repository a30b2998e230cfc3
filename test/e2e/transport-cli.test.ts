import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { answer, useFaultServer, type FaultServer } from '../helpers/fault-server.js';

const SECRETS = ['hunter2-pw', 'tok-SECRET-42', 'Bearer tok-SECRET-42', 'aHVudGVy'];

describe('csv-push transport options from the command line', () => {
  const faultServer = useFaultServer();
  let server: FaultServer;
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-e2e-'));

  function expectNoSecrets(text: string): void {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from('alice:hunter2-pw').toString('base64'));
  }

  it('sends basic auth from PUSHGATEWAY_USERNAME and PUSHGATEWAY_PASSWORD, and never prints it', async () => {
    server = await faultServer(answer(200));
    const result = await runCli(['example_data.csv', '-j', 'auth', '-g', server.url, '--verbose', '--json'], {
      env: { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: 'hunter2-pw' },
    });
    expect(result.code).toBe(0);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('alice:hunter2-pw').toString('base64')}`);
    expect(result.stderr).toMatch(/attempt 1\/3: PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/auth: HTTP 200/);
    expectNoSecrets(result.stdout + result.stderr);
  });

  it('reads a password file and a bearer token file', async () => {
    server = await faultServer(answer(200));
    writeFileSync(join(dir, 'pw'), 'hunter2-pw\n');
    writeFileSync(join(dir, 'token'), 'tok-SECRET-42\n');
    await runCli(['example_data.csv', '-j', 'a', '-g', server.url, '--username', 'alice', '--password-file', join(dir, 'pw')]);
    await runCli(['example_data.csv', '-j', 'b', '-g', server.url, '--bearer-token-file', join(dir, 'token')]);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      `Basic ${Buffer.from('alice:hunter2-pw').toString('base64')}`,
      'Bearer tok-SECRET-42',
    ]);
  });

  it('keeps secrets out of failures too', async () => {
    server = await faultServer(answer(401, 'Unauthorized'));
    const result = await runCli(['example_data.csv', '-j', 'a', '-g', server.url, '--json', '--verbose', '-H', 'X-Api-Key: tok-SECRET-42'], {
      env: { PUSHGATEWAY_BEARER_TOKEN: 'tok-SECRET-42' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 401 Unauthorized');
    expectNoSecrets(result.stdout + result.stderr);
    const badHeader = await runCli(['example_data.csv', '-j', 'a', '-g', server.url, '-H', 'tok-SECRET-42']);
    expect(badHeader.code).toBe(2);
    expect(badHeader.stderr).toContain('--header must look like "Name: value"');
    expectNoSecrets(badHeader.stderr);
  });

  it('sends -H headers and --gzip bodies', async () => {
    server = await faultServer(answer(200));
    const result = await runCli(['example_data.csv', '-j', 'h', '-g', server.url, '-H', 'X-Scope-OrgID: tenant-1', '--gzip']);
    expect(result.code).toBe(0);
    expect(server.requests[0]?.headers).toMatchObject({ 'x-scope-orgid': 'tenant-1', 'content-encoding': 'gzip' });
  });

  it('refuses half-given credentials and unreadable files with exit 2', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['--username', 'alice'], {}, 'a username is set but no password'],
      [[], { PUSHGATEWAY_PASSWORD: 'hunter2-pw' }, 'a password is set but no username'],
      [['--password-file', '/nonexistent/pw', '--username', 'a'], {}, '--password-file /nonexistent/pw: no such file; check the path'],
      [['--cert-file', '/x.pem'], {}, '--cert-file and --key-file go together'],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(['example_data.csv', '-j', 'x', '-g', 'http://127.0.0.1:9', ...args], { env });
      expect(result.code, message).toBe(2);
      expect(result.stderr, message).toContain(message);
      expectNoSecrets(result.stderr);
    }
  });

  it('warns on every run with --insecure', async () => {
    server = await faultServer(answer(200));
    const result = await runCli(['example_data.csv', '-j', 'i', '-g', server.url, '--insecure']);
    expect(result.stderr).toContain("warning: --insecure: the gateway's TLS certificate is not verified");
  });

  it('shows retries as they happen and exits 1 when they run out', async () => {
    server = await faultServer(answer(503, 'down for maintenance'));
    const result = await runCli(['example_data.csv', '-j', 'r', '-g', server.url, '--retries', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: attempt 1\/2 failed after \d+ ms: HTTP 503 Service Unavailable; retrying in \d+ ms/);
    expect(result.stderr).toMatch(/error: the gateway refused PUT .* with HTTP 503 Service Unavailable \(after 2 attempts in .*\): down for maintenance/);
  });
});
