import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { answer, useFaultServer } from '../helpers/fault-server.js';
import { useGateway } from '../helpers/pushgateway.js';
import { useNodeExporter } from '../helpers/receivers.js';

// Exit 0 means a Pushgateway took it: a URL that answers 200 but is something else is exit 1,
// naming what it sent. node_exporter is the classic wrong port: it answers every path with HTML.

const { gateway, uniqueJob } = useGateway();
const nodeExporter = useNodeExporter(mkdtempSync(join(tmpdir(), 'csv-push-not-gateway-')));

describe('a URL that answers but is not a Pushgateway', () => {
  const faultServer = useFaultServer();

  it('node_exporter as --gateway: push, --delete, groups and prune exit 1, saying it is not a Pushgateway', async () => {
    const url = nodeExporter.current().url;
    const push = await runCli(['example_data.csv', '--job', 'distro', '-g', url, '-q', '--json']);
    expect(push.code).toBe(1);
    expect(push.stderr).toContain(
      `error: ${url}/metrics/job/distro answered PUT with HTTP 200 OK and an HTML page (Node Exporter), but is not a Pushgateway (a Pushgateway answers with 200 or 202 and an empty body); nothing was stored there: check --gateway or PUSHGATEWAY_URL`,
    );
    expect(JSON.parse(push.stdout)).toMatchObject({ ok: false, seriesPushed: 0, error: { code: 'GATEWAY_ANSWER', exitCode: 1 } });
    for (const args of [['--delete', '--job', 'distro'], ['groups'], ['prune', '--older-than', '1d']]) {
      const result = await runCli([...args, '-g', url]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain("answered, but not with the Pushgateway's JSON list of groups: it sent an HTML page (Node Exporter)");
    }
  });

  it('a 200 with an HTML page, a 204 and a 200 with text: exit 1, sent once, the answer shown shortened', async () => {
    const page = `<!doctype html><html><head><title>Welcome to nginx!</title></head><body>${'x'.repeat(5000)}</body></html>`;
    const cases: [Parameters<typeof answer>, RegExp][] = [
      [[200, page, { 'content-type': 'text/html' }], /answered PUT with HTTP 200 OK and an HTML page \(Welcome to nginx!\), but is not a Pushgateway/],
      [[204, ''], /answered PUT with HTTP 204 No Content and an empty body, but is not a Pushgateway/],
      [[200, `ok ${'y'.repeat(1000)}`], /answered PUT with HTTP 200 OK and 1003 characters of text\/plain \("ok y{197}…"\), but is not a Pushgateway/],
    ];
    for (const [plan, message] of cases) {
      const server = await faultServer(answer(...plan));
      const result = await runCli(['example_data.csv', '--job', 'j', '-g', server.url, '-q']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.length).toBeLessThan(600);
      expect(server.requests).toHaveLength(1);
    }
  });

  it('remote write to a web page that answers 200 is not a receiver: exit 1', async () => {
    const server = await faultServer(answer(200, '<html><title>Grafana</title></html>', { 'content-type': 'text/html' }));
    const result = await runCli(['example_data.csv', '--remote-write', server.url, '-q', '--retries', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/api/v1/write answered POST with HTTP 200 OK and an HTML page (Grafana), but is not a remote-write receiver (a receiver answers with 204 or 200 and an empty body); nothing was stored there: check --remote-write');
  });
});

describe('--delete says whether the group existed', () => {
  it('deletes a group that is there, and says "nothing to delete" (exit 0, no DELETE sent) for one that is not', async () => {
    const job = uniqueJob();
    expect((await runCli(['example_data.csv', '--job', job, '--label', 'instance=a', '-g', gateway.url, '-q'])).code).toBe(0);
    const deleted = await runCli(['--delete', '--job', job, '--label', 'instance=a', '-g', gateway.url, '--json']);
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toMatch(new RegExp(`^✔ deleted group \\{job="${job}", instance="a"\\} at ${gateway.url} in \\d+ ms\\n$`));
    const summary = JSON.parse(deleted.stdout);
    expect(summary).toMatchObject({ ok: true, action: 'delete', groupExisted: true, attempts: 2 });
    expect([200, 202]).toContain(summary.status);
    expect(await gateway.group({ job, instance: 'a' })).toBeUndefined();

    const again = await runCli(['--delete', '--job', job, '--label', 'instance=a', '-g', gateway.url, '--json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`nothing to delete: no group {job="${job}", instance="a"} at ${gateway.url}\n`);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, action: 'delete', groupExisted: false, attempts: 1 });
  });
});
