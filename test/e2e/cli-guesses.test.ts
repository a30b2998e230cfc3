import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { answer, useFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

describe('the command line meets users where they guess', () => {
  const faultServer = useFaultServer();
  let server: FaultServer;

  it('--method takes any case', async () => {
    const job = uniqueJob();
    await runCli(['daily_load.csv', '-j', job, '-g', gateway.url, '--value-column', 'load']);
    const post = await runCli(['disk-usage.csv', '-j', job, '-g', gateway.url, '--value-column', 'used_bytes', '--method', 'POST']);
    expect(post.code, post.stderr).toBe(0);
    expect(post.stderr).toContain('(POST)');
    // POST replaced only the metric it carried: the first push's metric is still there.
    expect(Object.keys((await gateway.group({ job }))?.metrics ?? {}).sort()).toEqual(['daily_load_load', 'disk_usage_used_bytes']);
    const put = await runCli(['disk-usage.csv', '-j', job, '-g', gateway.url, '--value-column', 'used_bytes', '--method', 'Put']);
    expect(put.code).toBe(0);
    expect(Object.keys((await gateway.group({ job }))?.metrics ?? {})).toEqual(['disk_usage_used_bytes']);
  });

  it('--dry-run needs no --job: the body alone, no URL in the summary', async () => {
    const result = await runCli(['disk-usage.csv', '--dry-run', '--value-column', 'used_bytes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('disk_usage_used_bytes{mount="/home"} 2000\n');
    expect(result.stderr).toBe('dry run: 2 series from 2 rows; nothing was sent\n');
    const push = await runCli(['disk-usage.csv', '-g', gateway.url]);
    expect(push.code).toBe(2);
    expect(push.stderr).toContain("error: required option '-j, --job <name>' not specified (only --dry-run goes without it)");
  });

  it('names the nearest known option, even when --job is missing, and answers -job with --job', async () => {
    const misspelt = await runCli(['disk-usage.csv', '--jb', 'x']);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain("error: unknown option '--jb'\n(Did you mean --job?)");
    const oneDash = await runCli(['disk-usage.csv', '-job', 'x', '-g', gateway.url]);
    expect(oneDash.code).toBe(2);
    expect(oneDash.stderr).toContain("error: unknown option '-job' (did you mean --job? long options take two dashes)");
    const dryRun = await runCli(['disk-usage.csv', '--dry-run', '-value-column', 'used_bytes']);
    expect(dryRun.stderr).toContain("(did you mean --value-column?");
    // A short option with its value attached is still read as one.
    const attached = await runCli(['disk-usage.csv', '-jnightly', '--dry-run', '-q']);
    expect(attached).toMatchObject({ code: 0, stderr: '' });
  });

  it('--json prints its object for usage errors too', async () => {
    const cases: [string[], string][] = [
      [['disk-usage.csv', '--jb', 'x', '--json'], "unknown option '--jb' (Did you mean --job?)"],
      [['disk-usage.csv', '-job', 'x', '--json'], "unknown option '-job' (did you mean --job? long options take two dashes)"],
      [['disk-usage.csv', '--json'], "required option '-j, --job <name>' not specified (only --dry-run goes without it)"],
      [['disk-usage.csv', '-j', 'x', '--method', 'get', '--json'], '--method must be put or post (any case), not "get"'],
      [['disk-usage.csv', '-j', 'x', '--json', '--value-column', 'nope'], 'disk-usage.csv has no column "nope" (--value-column); its columns are: mount, used_bytes'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(JSON.parse(result.stdout), args.join(' ')).toEqual({ ok: false, action: 'push', seriesPushed: 0, error: { code: 'USAGE', message, exitCode: 2 } });
      expect(result.stderr).toContain(message.split(' (')[0]);
    }
  });

  it('retries only 429, 500, 502, 503 and 504, and shortens an answer that is not a gateway’s', async () => {
    const html = `<!DOCTYPE html><html><head><title>501 Not Implemented</title></head><body>${'<p>nginx</p>'.repeat(200)}</body></html>`;
    server = await faultServer((attempt, request, response) => {
      response.writeHead(501, { 'content-type': 'text/html' });
      response.end(html);
    });
    const notGateway = await runCli(['disk-usage.csv', '-j', 'x', '-g', server.url, '--retries', '3', '--value-column', 'used_bytes']);
    expect(notGateway.code).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(notGateway.stderr).toBe(
      `error: the gateway refused PUT ${server.url}/metrics/job/x with HTTP 501 Not Implemented: the answer is an HTML page (501 Not Implemented), not a Pushgateway's reason; the URL may not be a Pushgateway, check --gateway\n`,
    );
    await server.close();

    const long = 'x'.repeat(2000);
    server = await faultServer(answer(404, long));
    const longAnswer = await runCli(['disk-usage.csv', '-j', 'x', '-g', server.url, '-m', 'disk', '--value-column', 'used_bytes']);
    expect(longAnswer.stderr).toContain('HTTP 404 Not Found: the answer is 2000 characters (xxxx');
    expect(longAnswer.stderr).toContain("…), not a Pushgateway's reason; the URL may not be a Pushgateway, check --gateway");
    expect(longAnswer.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(longAnswer.stderr.length).toBeLessThan(500);
    await server.close();

    // The gateway's own kind of answer (Go's http.Error) may run long for a clash of many series: kept, up to 1,000 characters.
    const clash = `pushed metrics are invalid or inconsistent with existing metrics: ${'* collected metric "x" is not a GAUGE '.repeat(40)}`;
    server = await faultServer(answer(400, clash, { 'content-type': 'text/plain; charset=utf-8' }));
    const gatewayAnswer = await runCli(['disk-usage.csv', '-j', 'x', '-g', server.url, '-m', 'disk', '--value-column', 'used_bytes']);
    expect(gatewayAnswer.stderr).toContain(`HTTP 400 Bad Request: ${clash.trim().slice(0, 1000)}… (${clash.trim().length} characters in all)`);
    expect(gatewayAnswer.stderr).not.toContain('may not be a Pushgateway');
    await server.close();

    for (const status of [429, 500, 502, 503, 504, 501, 505, 400, 409]) {
      server = await faultServer(answer(status, 'nope'));
      const result = await runCli(['disk-usage.csv', '-j', 'x', '-g', server.url, '--retries', '1', '--json', '-q'], { env: {} });
      expect(result.code).toBe(1);
      expect(server.requests.length, `HTTP ${status}`).toBe([429, 500, 502, 503, 504].includes(status) ? 2 : 1);
      await server.close();
    }
  });
});
