import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';
import { makePki } from '../helpers/tls.js';

const { gateway, uniqueJob } = useGateway();
const dir = mkdtempSync(join(tmpdir(), 'csv-push-mistakes-'));
const file = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

describe('user mistakes and hostile surroundings', () => {
  it('turns unusable tokens, headers and certificates into one-line usage errors (exit 2, USAGE in --json)', async () => {
    const pki = makePki();
    const notPem = file('not.pem', 'this is not a certificate\n');
    const cases: [string[], string][] = [
      [['--bearer-token-file', file('token-two-lines', 'tok-1\ntok-2\n')], 'the bearer token from --bearer-token-file'],
      [['--bearer-token-file', file('token-euro', 'tok€n\n')], 'has a character outside Latin-1 at position 4'],
      [['-H', 'X-Tenant: t€am'], '--header X-Tenant: the value has a character outside Latin-1 at position 2'],
      [['-H', 'X-Tenant: a\u0007b'], '--header X-Tenant: the value has a control character'],
      [['--ca-file', notPem], `--ca-file ${notPem}: not a PEM certificate`],
      [['--cert-file', notPem, '--key-file', pki.clientKey], `--cert-file ${notPem}: not a PEM certificate`],
      [['--cert-file', pki.clientCert, '--key-file', notPem], `--key-file ${notPem}: not an unencrypted PEM private key`],
      [['--cert-file', pki.clientCert, '--key-file', pki.serverKey], `--key-file ${pki.serverKey} is not the key of --cert-file ${pki.clientCert}`],
    ];
    for (const [args, message] of cases) {
      const job = uniqueJob();
      const result = await runCli(['example_data.csv', '-j', job, '-g', gateway.url.replace('http:', 'https:'), ...args, '--json']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr, message).toContain(message);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).not.toMatch(/unexpected|please report|\n\s+at /);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, action: 'push', error: { code: 'USAGE', exitCode: 2 } });
    }
    const fromEnvironment = await runCli(['example_data.csv', '-j', uniqueJob(), '-g', gateway.url], { env: { PUSHGATEWAY_BEARER_TOKEN: 'tok 42' } });
    expect(fromEnvironment.code).toBe(2);
    expect(fromEnvironment.stderr).toBe('error: the bearer token from PUSHGATEWAY_BEARER_TOKEN has a space inside; a bearer token is one word\n');
  });

  it("refuses a --timeout beyond Node's timer limit rather than timing out at once", async () => {
    const tooLong = await runCli(['example_data.csv', '-j', uniqueJob(), '-g', gateway.url, '--timeout', '3000000']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain('error: --timeout can be at most 2147483 seconds (about 24 days), not "3000000"');
    const job = uniqueJob();
    const longest = await runCli(['example_data.csv', '-j', job, '-g', gateway.url, '--timeout', '2147483']);
    expect(longest.code, longest.stderr).toBe(0);
    expect(await gateway.group({ job })).toBeDefined();
  });

  it('says in one line that stdout is full; --dry-run exits 1, --json after a push that landed exits 0', async () => {
    const dryRun = await runCli(['example_data.csv', '-j', uniqueJob(), '--dry-run', '-q'], { stdoutFile: '/dev/full' });
    expect(dryRun.code).toBe(1);
    expect(dryRun.stderr).toBe('error: could not write the exposition text to standard output (ENOSPC: no space left on device, write); nothing was sent\n');
    const job = uniqueJob();
    const pushed = await runCli(['example_data.csv', '-j', job, '-g', gateway.url, '--json', '-q'], { stdoutFile: '/dev/full' });
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toBe(
      'error: could not write the --json summary to standard output (ENOSPC: no space left on device, write); the push itself succeeded, so the exit code stays 0\n',
    );
    expect((await gateway.group({ job }))?.metrics.example_data?.samples).toHaveLength(3);
    const failed = await runCli(['example_data.csv', '-j', uniqueJob(), '-g', 'http://127.0.0.1:9', '--retries', '0', '--json', '-q'], { stdoutFile: '/dev/full' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: cannot reach the gateway .*\nerror: could not write the --json summary to standard output \(ENOSPC[^\n]*\)\n$/);
  });
});
