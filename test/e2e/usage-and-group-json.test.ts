import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

describe('usage', () => {
  it('csv-push alone prints the usage on stderr and exits 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: csv-push \[push\] \[options\] \[files\.\.\.\]\n/);
    expect(result.stderr).toContain('-j, --job <name>');
    expect(result.stderr).not.toContain('required option');
  });

  it('a usage error of groups or prune prints the --json object, as a push does', async () => {
    const cases: [string[], string, RegExp][] = [
      [['groups', '--bogus', '--json'], 'groups', /unknown option '--bogus'/],
      [['prune', '--json'], 'prune', /prune needs --older-than/],
      [['prune', '--older-than', 'soon', '--json'], 'prune', /--older-than "soon" is not a duration/],
      [['groups', '--retries', 'many', '--json'], 'groups', /--retries/],
    ];
    for (const [args, action, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      const json = JSON.parse(result.stdout);
      expect(json).toMatchObject({ ok: false, action, error: { code: 'USAGE', exitCode: 2 } });
      expect(json.error.message).toMatch(message);
    }
  });
});

describe('groups --json and prune --json redact field by field', () => {
  it('a password with a quote, found in a label value, is hidden and the JSON still parses', async () => {
    const job = uniqueJob();
    const password = 'pa"ss\\word';
    // Another client pushed a group whose label holds the password (by mistake, as happens).
    const pushed = await fetch(`${gateway.url}/metrics/job/${job}/note@base64/${Buffer.from(password).toString('base64url')}`, { method: 'PUT', body: 'a 1\n' });
    expect(pushed.status).toBeLessThan(300);
    const env = { PUSHGATEWAY_USERNAME: 'alice', PUSHGATEWAY_PASSWORD: password };
    for (const args of [['groups', '--job', job], ['prune', '--older-than', '1ms', '--job', job, '--dry-run']]) {
      const result = await runCli([...args, '-g', gateway.url, '--json'], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('pa\\"ss');
      expect(result.stdout).not.toContain('pa"ss');
      const json = JSON.parse(result.stdout);
      expect(json.groups[0]?.labels.note).not.toContain('pa');
    }
  });
});
