import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { useFaultServer, type FaultServer } from '../helpers/fault-server.js';

const dir = mkdtempSync(join(tmpdir(), 'csv-push-secrets-'));

function expectNone(result: CliResult, secrets: readonly string[]): void {
  const output = result.stdout + result.stderr;
  for (const secret of secrets) expect(output, `"${secret}" was printed`).not.toContain(secret);
}

const basicForms = (user: string, password: string): string[] => {
  const pair = Buffer.from(`${user}:${password}`);
  return [pair.toString('base64'), pair.toString('base64url')];
};

describe('secrets in what csv-push prints', () => {
  const faultServer = useFaultServer();
  let server: FaultServer;

  it('never prints a gateway password with /, @, : or percent-encoding, from --gateway or PUSHGATEWAY_URL', async () => {
    const gateways = [
      'https://alice:pa/ssSECRET@127.0.0.1:9',
      'http://alice:pa%2FssSECRET@127.0.0.1:9',
      'http://alice:p@ss:SECRET@127.0.0.1:9',
      'http://alice:pa%zzSECRET@127.0.0.1:9',
      '127.0.0.1:9@alice:SECRET/x@',
    ];
    for (const gateway of gateways) {
      const fromOption = await runCli(['example_data.csv', '-j', 'j', '-g', gateway, '--retries', '0', '--json', '--verbose']);
      const fromEnvironment = await runCli(['example_data.csv', '-j', 'j', '--retries', '0', '--json', '--verbose'], { env: { PUSHGATEWAY_URL: gateway } });
      for (const result of [fromOption, fromEnvironment]) {
        expect([1, 2], `${gateway}: ${result.stderr}`).toContain(result.code);
        expect(result.stderr).toMatch(/error: /);
        expectNone(result, ['SECRET', 'pa/ss', 'pa%2Fss', 'p@ss', ...basicForms('alice', 'pa/ssSECRET')]);
        expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, action: 'push' });
      }
    }
  });

  it('hides credentials that a gateway or proxy echoes back in its error page', async () => {
    // Some proxies answer 401 with the request's headers in the page: the one thing a real gateway never does.
    server = await faultServer((_attempt, request, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(`denied; you sent ${JSON.stringify(request.headers)}\nAuthorization: ${request.headers.authorization ?? ''}\n`);
    });
    writeFileSync(join(dir, 'token'), 'tok/SECRET+42==\n');
    const runs: { args: string[]; env: Record<string, string>; secrets: string[] }[] = [
      { args: ['--bearer-token-file', join(dir, 'token')], env: {}, secrets: ['tok/SECRET+42==', 'SECRET'] },
      { args: [], env: { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: 'pw"SECRET\\x' }, secrets: ['SECRET', ...basicForms('alice', 'pw"SECRET\\x')] },
      { args: ['-H', 'X-Api-Key: key-SECRET-7'], env: {}, secrets: ['key-SECRET-7', 'SECRET'] },
      { args: [], env: { PUSHGATEWAY_URL: server.url.replace('//', '//bob:url%40SECRET@') }, secrets: ['SECRET', ...basicForms('bob', 'url@SECRET')] },
    ];
    for (const run of runs) {
      const gateway = 'PUSHGATEWAY_URL' in run.env ? [] : ['-g', server.url];
      const result = await runCli(['example_data.csv', '-j', 'echo', ...gateway, ...run.args, '--json', '--verbose'], { env: run.env });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain('HTTP 401 Unauthorized: denied; you sent');
      expect(result.stderr).toContain('"user-agent":"csv-push"');
      expectNone(result, run.secrets);
      expect(JSON.parse(result.stdout).error.message).toContain('***');
    }
    expect(server.requests.map((request) => request.headers.authorization ?? request.headers['x-api-key'])).toEqual([
      'Bearer tok/SECRET+42==',
      `Basic ${basicForms('alice', 'pw"SECRET\\x')[0]}`,
      'key-SECRET-7',
      `Basic ${basicForms('bob', 'url@SECRET')[0]}`,
    ]);
  });

  it('warns, even with -q, that ps shows a password or credential header given on the command line', async () => {
    server = await faultServer((_attempt, _request, response) => response.end());
    const inUrl = await runCli(['example_data.csv', '-j', 'ps', '-q', '-g', server.url.replace('//', '//alice:SECRET@')]);
    expect(inUrl.code).toBe(0);
    expect(inUrl.stderr).toBe(
      'warning: --gateway carries a password on the command line, where `ps` shows it to every user of this machine; set PUSHGATEWAY_URL instead, or use --username with --password-file\n',
    );
    const inHeader = await runCli(['example_data.csv', '-j', 'ps', '-q', '-g', server.url, '-H', 'Authorization: Bearer SECRET']);
    expect(inHeader.code).toBe(0);
    expect(inHeader.stderr).toContain('a credential header given with -H is on the command line');
    expect(inHeader.stderr).toContain('use --bearer-token-file or PUSHGATEWAY_BEARER_TOKEN instead');
    const fromEnvironment = await runCli(['example_data.csv', '-j', 'ps', '-q', '-H', 'X-Scope-OrgID: team-a'], {
      env: { PUSHGATEWAY_URL: server.url.replace('//', '//alice:SECRET@') },
    });
    expect(fromEnvironment.code).toBe(0);
    expect(fromEnvironment.stderr).toBe('');
    for (const result of [inUrl, inHeader]) expectNone(result, ['SECRET']);
  });

  it('keeps the --insecure warning with -q', async () => {
    server = await faultServer((_attempt, _request, response) => response.end());
    const result = await runCli(['example_data.csv', '-j', 'i', '-g', server.url, '--insecure', '-q']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("warning: --insecure: the gateway's TLS certificate is not verified; anyone in between can read and change the push\n");
  });
});
