import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { answer, useFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { useGateway, groupAfterDelete } from '../helpers/pushgateway.js';

// Faults of the destinations besides a plain push: each run works, or fails with a message and an
// exit code that tell the truth about what was stored.

const { gateway, uniqueJob } = useGateway();

function csvOf(rows: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-faults-'));
  const path = join(dir, 'rows.csv');
  writeFileSync(path, `host\n${Array.from({ length: rows }, (_, index) => `host-${index}`).join('\n')}\n`);
  return path;
}

describe('remote write', () => {
  const faultServer = useFaultServer();

  it('a receiver killed after two batches: exit 1, saying which batch failed and how many samples were stored', async () => {
    let server: FaultServer | undefined;
    server = await faultServer((attempt, _request, response) => {
      response.writeHead(204).end();
      if (attempt === 2) void server?.close();
    });
    const result = await runCli([csvOf(50), '--remote-write', server.url, '--batch-size', '10', '--json', '--retries', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: cannot reach the remote-write receiver at \S+: (connection refused|the connection was reset)[^\n]*\(batch [34]\); the run stopped there, and the 20 samples of the 2 batches accepted before were stored\n/);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, seriesPushed: 20, samplesPushed: 20, error: { exitCode: 1 } });
  });

  it('a 400 on one batch of five: exit 1 naming that batch, the batches before it stored', async () => {
    const server = await faultServer((attempt, request, response) => {
      if (attempt === 3) answer(400, 'out of bounds')(attempt, request, response);
      else response.writeHead(204).end();
    });
    const result = await runCli([csvOf(50), '--remote-write', server.url, '--batch-size', '10', '--json']);
    expect(result.code).toBe(1);
    // Two batches are on their way at once (rows without a time column are distinct series), so the
    // third request to arrive is batch 3 or 4; the other one of the two is accepted.
    expect(result.stderr).toMatch(/refused POST \S+ with HTTP 400 Bad Request: out of bounds \(batch [34]\): Prometheus takes no samples older than the ones it holds by remote write; write history with --openmetrics FILE [^\n]*; the run stopped there, and the 30 samples of the 3 batches accepted before were stored\n/);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, seriesPushed: 30, batches: 3, error: { code: 'PUSH_REFUSED', exitCode: 1 } });
    // Refused for good: not sent again, and the rows after it are not sent.
    expect(server.requests.length).toBeLessThanOrEqual(4);
  });
});

describe('textfile', () => {
  const mounts: string[] = [];
  afterAll(() => {
    for (const dir of mounts) execFileSync('umount', [dir]);
  });
  /** A small tmpfs of its own (the tests run as root): a directory that can be full or read-only for real. */
  function tmpfs(options: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'csv-push-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`mounting a tmpfs failed (${String(error)}): these tests need root with mount rights, as .ci/run has`);
    }
    mounts.push(dir);
    return dir;
  }

  it('a full directory: exit 1, "no space left", the previous file unchanged and no temporary file left', async () => {
    const dir = tmpfs('size=64k');
    const textfile = join(dir, 'rows.prom');
    expect((await runCli([csvOf(3), '--textfile', textfile, '-q'])).code).toBe(0);
    const before = readFileSync(textfile, 'utf8');
    const result = await runCli([csvOf(5000), '--textfile', textfile, '-q']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: cannot write ${textfile}: no space left on the device holding ${dir}; the previous file, if any, is unchanged\n`);
    expect(readFileSync(textfile, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['rows.prom']);
  });

  it('a read-only directory: exit 1, saying so', async () => {
    const dir = tmpfs('size=64k,ro');
    const result = await runCli([csvOf(3), '--textfile', join(dir, 'rows.prom'), '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${dir} is on a read-only file system`);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, seriesPushed: 0, error: { code: 'WRITE_FAILED', exitCode: 1 } });
  });

  it('two writers to one .prom at once: both exit 0 and the file is one of the two, whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-push-writers-'));
    mkdirSync(join(dir, 'textfiles'));
    const textfile = join(dir, 'textfiles', 'rows.prom');
    const [small, large] = [csvOf(10), csvOf(20_000)];
    const expected = await Promise.all([small, large].map(async (csv) => (await runCli([csv, '--textfile', textfile, '--dry-run', '-m', 'rows'])).stdout));
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([small, large].map((csv) => runCli([csv, '--textfile', textfile, '-q', '-m', 'rows'])));
      expect(results.map((result) => result.code)).toEqual([0, 0]);
      expect(expected).toContain(readFileSync(textfile, 'utf8'));
      expect(readdirSync(join(dir, 'textfiles'))).toEqual(['rows.prom']);
    }
  });
});

describe('prune', () => {
  const faultServer = useFaultServer();

  it('keeps a group pushed again between its listing and its delete, and says so (exit 0)', async () => {
    const job = uniqueJob();
    expect((await runCli(['example_data.csv', '--job', job, '--label', 'instance=busy', '-g', gateway.url, '-q'])).code).toBe(0);
    expect((await runCli(['example_data.csv', '--job', job, '--label', 'instance=idle', '-g', gateway.url, '-q'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // In front of the real gateway: right after prune has the list, a cron job pushes the busy group again.
    const proxy = await faultServer((_attempt, request, response) => {
      void (async () => {
        const upstream = await fetch(`${gateway.url}${request.url}`, { method: request.method });
        const body = await upstream.text();
        if (request.url === '/api/v1/metrics') {
          const again = await runCli(['example_data.csv', '--job', job, '--label', 'instance=busy', '-g', gateway.url, '-q']);
          expect(again.code).toBe(0);
        }
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
        response.end(body);
      })();
    });
    const result = await runCli(['prune', '--older-than', '1s', '--job', job, '-g', proxy.url, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ ok: true, matched: 2, deleted: 1, kept: 1 });
    expect(json.groups.find((group: { labels: { instance: string } }) => group.labels.instance === 'busy')).toMatchObject({ deleted: false, kept: 'pushed-again' });
    expect(await gateway.group({ job, instance: 'busy' })).toBeDefined();
    expect(await groupAfterDelete(gateway, { job, instance: 'idle' })).toBeUndefined();
    const text = await runCli(['prune', '--older-than', '1h', '--job', job, '-g', gateway.url]);
    expect(text.stderr).toMatch(new RegExp(`^✔ deleted 0 of 0 groups matching job="${job}" not pushed for 1h from ${gateway.url} \\(\\d+ groups? on the gateway\\)\\n$`));
  });
});
