import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local-pushgateway.mjs';
import { runCli } from '../helpers/cli.js';
import { useGateway, groupAfterDelete } from '../helpers/pushgateway.js';
import { exportVictoriaMetrics, useVictoriaMetrics } from '../helpers/receivers.js';
import { startSecuredGateway } from '../helpers/secured-gateway.js';
import { makePki } from '../helpers/tls.js';
import { startTinyproxy, useTinyproxy } from '../helpers/tinyproxy.js';

// Every request through a real proxy (tinyproxy), seen in its log, as curl's would be.

const proxy = useTinyproxy();
const { gateway, uniqueJob } = useGateway();
const victoria = useVictoriaMetrics();
const PROXY_PASSWORD = 'pr0xy-S3cret';

/** The proxy's request lines that name this job (each test uses its own). */
const seen = (job: string) => proxy.current().requests().filter((line) => line.includes(`/job/${job}`));

describe('requests through an HTTP proxy from the environment', () => {
  it('pushes through http_proxy, and the proxy logs the PUT', async () => {
    const job = uniqueJob();
    const result = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q'], { env: { http_proxy: proxy.current().url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(seen(job)).toEqual([`PUT ${gateway.url}/metrics/job/${job} HTTP/1.1`]);
    expect(await gateway.group({ job })).toBeDefined();
  });

  it('takes upper-case HTTP_PROXY too (like Python and Go; curl reads only http_proxy), and deletes through it', async () => {
    const job = uniqueJob();
    const env = { HTTP_PROXY: proxy.current().url };
    expect((await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q'], { env })).code).toBe(0);
    expect((await runCli(['--delete', '--job', job, '-g', gateway.url, '-q'], { env })).code).toBe(0);
    expect(seen(job)).toEqual([`PUT ${gateway.url}/metrics/job/${job} HTTP/1.1`, `DELETE ${gateway.url}/metrics/job/${job} HTTP/1.1`]);
    expect(await gateway.group({ job })).toBeUndefined();
  });

  it('sends remote write to VictoriaMetrics through the proxy', async () => {
    const metric = `proxied_${process.pid}`;
    const result = await runCli(['example_data.csv', '--remote-write', `${victoria.current().url}/api/v1/write`, '--metric', metric, '--job', 'viaproxy', '-q'], {
      env: { HTTP_PROXY: proxy.current().url },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(proxy.current().requests()).toContain(`POST ${victoria.current().url}/api/v1/write HTTP/1.1`);
    expect(await exportVictoriaMetrics(victoria.current().url, `{__name__="${metric}"}`, 3)).toHaveLength(3);
  });

  it('lists groups and prunes through --proxy', async () => {
    const job = uniqueJob();
    expect((await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q'])).code).toBe(0);
    const before = proxy.current().requests().length;
    const groups = await runCli(['groups', '--job', job, '-g', gateway.url, '--proxy', proxy.current().url, '--json']);
    expect(groups.code).toBe(0);
    expect(JSON.stringify(JSON.parse(groups.stdout))).toContain(job);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const pruned = await runCli(['prune', '--older-than', '1s', '--job', job, '-g', gateway.url, '--proxy', proxy.current().url, '-q']);
    expect(pruned.code).toBe(0);
    const lines = proxy.current().requests().slice(before);
    expect(lines.filter((line) => line.startsWith(`GET ${gateway.url}/api/v1/metrics`)).length).toBeGreaterThanOrEqual(2);
    expect(lines).toContain(`DELETE ${gateway.url}/metrics/job/${job} HTTP/1.1`);
    expect(await groupAfterDelete(gateway, { job })).toBeUndefined();
  });

  it('goes directly for hosts in NO_PROXY, and with --no-proxy or --proxy \'\'', async () => {
    for (const [env, extra] of [
      [{ http_proxy: proxy.current().url, NO_PROXY: 'example.org,127.0.0.1' }, []],
      [{ http_proxy: proxy.current().url, no_proxy: '*' }, []],
      [{ http_proxy: proxy.current().url }, ['--no-proxy']],
      [{ http_proxy: proxy.current().url }, ['--proxy', '']],
    ] as const) {
      const job = uniqueJob();
      const result = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q', ...extra], { env });
      expect(result.code).toBe(0);
      expect(seen(job)).toEqual([]);
      expect(await gateway.group({ job })).toBeDefined();
    }
  });

  it('tunnels https through CONNECT and still verifies the gateway\'s certificate', async () => {
    const pki = makePki();
    const secured = await startSecuredGateway(pki, { tls: true });
    try {
      const env = { HTTPS_PROXY: proxy.current().url };
      const job = 'tunnelled';
      const untrusted = await runCli(['example_data.csv', '--job', job, '-g', secured.url, '--retries', '0'], { env });
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toContain("the gateway's certificate is not trusted");
      const pushed = await runCli(['example_data.csv', '--job', job, '-g', secured.url, '--ca-file', pki.caCert, '-q'], { env });
      expect(pushed.stderr).toBe('');
      expect(pushed.code).toBe(0);
      const connects = proxy.current().requests().filter((line) => line === `CONNECT 127.0.0.1:${secured.port} HTTP/1.1`);
      expect(connects).toHaveLength(2);
      // Inside the tunnel the proxy sees no request line: only TLS.
      expect(proxy.current().requests().some((line) => line.includes(`/metrics/job/${job}`))).toBe(false);
      expect(await secured.group({ job })).toBeDefined();
    } finally {
      await secured.stop();
    }
  });

  it('gives the client certificate to the gateway inside the tunnel (mutual TLS through CONNECT)', async () => {
    const pki = makePki();
    const secured = await startSecuredGateway(pki, { clientCertificate: true });
    try {
      const env = { HTTPS_PROXY: proxy.current().url };
      const job = 'tunnelled_mtls';
      const pushed = await runCli(['example_data.csv', '--job', job, '-g', secured.url, '--ca-file', pki.caCert, '--cert-file', pki.clientCert, '--key-file', pki.clientKey, '-q'], { env });
      expect(pushed.stderr).toBe('');
      expect(pushed.code).toBe(0);
      expect(proxy.current().requests()).toContain(`CONNECT 127.0.0.1:${secured.port} HTTP/1.1`);
      expect(await secured.group({ job })).toBeDefined();
    } finally {
      await secured.stop();
    }
  });
});

describe('a proxy that cannot be reached', () => {
  it('fails with exit 1, naming the proxy and not its password, in text and in --json', async () => {
    const dead = await freePort();
    const env = { https_proxy: `http://alice:${PROXY_PASSWORD}@127.0.0.1:${dead}`, http_proxy: `http://alice:${PROXY_PASSWORD}@127.0.0.1:${dead}` };
    const job = uniqueJob();
    const text = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '--retries', '0', '--verbose'], { env });
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(new RegExp(`^error: cannot reach the proxy at http://127\\.0\\.0\\.1:${dead}: connection refused \\(is the proxy running there\\?\\); check --proxy, or HTTPS_PROXY`, 'm'));
    expect(text.stderr).not.toMatch(/cannot reach the gateway/);
    const json = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '--retries', '0', '--json', '--proxy', `http://alice:${PROXY_PASSWORD}@127.0.0.1:${dead}`]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { exitCode: 1 } });
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(PROXY_PASSWORD);
      expect(output).not.toContain(Buffer.from(`alice:${PROXY_PASSWORD}`).toString('base64'));
    }
    expect(await gateway.group({ job })).toBeUndefined();
  });

  it('a proxy refusing the credentials: exit 1, naming the proxy, never its password; the right ones pass, and typed after --proxy they warn that ps shows them', async () => {
    const guarded = await startTinyproxy({ basicAuth: { user: 'alice', password: PROXY_PASSWORD } });
    try {
      const job = uniqueJob();
      const at = (password: string) => `http://alice:${password}@127.0.0.1:${guarded.port}`;
      const refused = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q'], { env: { http_proxy: at(`${PROXY_PASSWORD}-wrong`) } });
      expect(refused.code).toBe(1);
      // tinyproxy answers 401 and closes without reading the body: Node 20 and 22 read the answer,
      // Node 24 may see the connection reset first. Either way the message names the proxy. A reset
      // is retried, so the 401 may come on a later attempt, and the message then says how many.
      expect(refused.stderr).toMatch(
        new RegExp(`^error: (the gateway refused PUT .* \\(through the proxy at http://127\\.0\\.0\\.1:${guarded.port}\\) with HTTP 401 Unauthorized( \\(after \\d+ attempts in [^)]*\\))?: .*, or the proxy's user and password in its URL|the proxy at http://127\\.0\\.0\\.1:${guarded.port} closed the connection before an answer came for .*: check the proxy's user and password in its URL, .*)$`, 'm'),
      );
      expect(refused.stderr).not.toContain('cannot reach the gateway');
      expect(refused.stderr).not.toContain(PROXY_PASSWORD);
      expect(await gateway.group({ job })).toBeUndefined();
      const accepted = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q'], { env: { http_proxy: at(PROXY_PASSWORD) } });
      expect(accepted.stderr).toBe('');
      expect(accepted.code).toBe(0);
      // The same proxy URL typed after --proxy works too, but `ps` shows it: a warning, even with -q.
      const typed = await runCli(['example_data.csv', '--job', job, '-g', gateway.url, '-q', '--proxy', at(PROXY_PASSWORD)]);
      expect(typed.code, typed.stderr).toBe(0);
      expect(typed.stderr).toBe(
        'warning: --proxy carries a password on the command line, where `ps` shows it to every user of this machine; set HTTPS_PROXY (or HTTP_PROXY) in the environment instead\n',
      );
      // All three runs went through it (a reset connection retried under load may add a line of the same request).
      const lines = guarded.requests().filter((line) => line.includes(job));
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(new Set(lines)).toEqual(new Set([`PUT ${gateway.url}/metrics/job/${job} HTTP/1.1`]));
    } finally {
      await guarded.stop();
    }
  });

  it('refuses a proxy URL of a scheme it cannot use, with exit 2', async () => {
    const result = await runCli(['example_data.csv', '--job', 'j', '-g', gateway.url, '--proxy', 'socks5://127.0.0.1:1080']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--proxy: socks5 proxies are not supported; give an http:// (or https://) proxy');
  });
});
