import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { answer, startFaultServer } from '../helpers/fault-server.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function push(job: string, labels: readonly string[] = [], file = 'example_data.csv'): Promise<void> {
  const result = await runCli([file, '--job', job, '-g', gateway.url, '-q', ...labels.flatMap((label) => ['--label', label])]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

async function jobGroups(job: string): Promise<Record<string, string>[]> {
  return (await gateway.groups()).filter((group) => group.labels.job === job).map((group) => group.labels);
}

/**
 * The job's groups once prune's deletes have gone through: the gateway answers DELETE with 202
 * and removes the group a moment later, so this reads again for up to 3 s until `count` are left.
 */
async function jobGroupsAfterPrune(job: string, count: number): Promise<Record<string, string>[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const groups = await jobGroups(job);
    if (groups.length <= count || Date.now() > deadline) return groups;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ISO_SECOND = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

describe('csv-push groups', () => {
  it('lists groups with labels, series, push time, age and failed pushes, filtered by job, label and age', async () => {
    const job = uniqueJob();
    const other = uniqueJob();
    const path = `/var/lib/${job}`;
    await push(job, ['instance=web-1']);
    await push(job, ['instance=web-2', `path=${path}`]);
    await push(other);
    // A counter where the gateway holds a gauge of that name is refused, yet creates its group.
    const refused = await fetch(`${gateway.url}/metrics/job/${other}/instance/broken`, { method: 'PUT', body: '# TYPE example_data counter\nexample_data 1\n' });
    expect(refused.status).toBe(400);

    const table = await runCli(['groups', '-g', gateway.url, '--job', job]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^LAST PUSH +AGE +SERIES +LAST PUSH FAILED +GROUP$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${ISO_SECOND} +\\d+(ms|s) +3 +no +job="${job}", instance="web-1"$`)),
      expect.stringMatching(new RegExp(`^${ISO_SECOND} +\\d+(ms|s) +3 +no +job="${job}", instance="web-2", path="${path}"$`)),
      '',
    ]);
    expect(table.stderr).toMatch(new RegExp(`^2 of \\d+ groups at ${gateway.url} match the filter\\n$`));

    const listed = await runCli(['groups', '-g', gateway.url, '--job', other, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe('');
    const json = JSON.parse(listed.stdout);
    expect(json).toMatchObject({ ok: true, action: 'groups', gateway: gateway.url, matched: 2 });
    expect(json.groups).toEqual([
      {
        job: other,
        labels: { job: other },
        series: 3,
        lastPushAt: expect.stringMatching(/Z$/),
        ageSeconds: expect.any(Number),
        lastPushFailed: false,
        lastFailureAt: null,
      },
      {
        job: other,
        labels: { job: other, instance: 'broken' },
        series: 0,
        lastPushAt: null,
        ageSeconds: null,
        lastPushFailed: true,
        lastFailureAt: expect.stringMatching(/Z$/),
      },
    ]);
    expect(Date.now() - Date.parse(json.groups[0].lastPushAt)).toBeLessThan(60_000);

    const byLabel = JSON.parse((await runCli(['groups', '-g', gateway.url, '--label', `path=${path}`, '--json'])).stdout);
    expect(byLabel.groups.map((group: { labels: unknown }) => group.labels)).toEqual([{ job, instance: 'web-2', path }]);
    // An empty value matches a group without that label, as the gateway treats them alike.
    const noPath = JSON.parse((await runCli(['groups', '-g', gateway.url, '--job', job, '--label', 'path=', '--json'])).stdout);
    expect(noPath.groups.map((group: { labels: unknown }) => group.labels)).toEqual([{ job, instance: 'web-1' }]);
    // Nothing here is an hour old, except a group that never had a successful push.
    const old = JSON.parse((await runCli(['groups', '-g', gateway.url, '--older-than', '1h', '--json'])).stdout);
    expect(old.groups.map((group: { labels: unknown }) => group.labels)).toContainEqual({ job: other, instance: 'broken' });
    expect(old.groups.filter((group: { lastPushAt: unknown }) => group.lastPushAt !== null)).toEqual([]);
  });

  it('exits 1 with the reason when the gateway cannot be read, or is not a Pushgateway', async () => {
    const unreachable = await runCli(['groups', '-g', 'http://127.0.0.1:9', '--retries', '0', '--json']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('error: cannot reach the gateway at http://127.0.0.1:9/api/v1/metrics: connection refused');
    expect(JSON.parse(unreachable.stdout)).toMatchObject({ ok: false, action: 'groups', error: { code: 'PUSH_UNREACHABLE', exitCode: 1 } });
    const server = await startFaultServer(answer(200, 'hello from some web server'));
    // Prometheus' own API answers /api/v1/... with JSON of another shape: not a list of groups either.
    const prometheusLike = await startFaultServer(answer(200, '{"status":"success","data":{"resultType":"vector","result":[]}}', { 'content-type': 'application/json' }));
    const groupsWithoutLabels = await startFaultServer(answer(200, '{"status":"success","data":[{"name":"x"}]}', { 'content-type': 'application/json' }));
    try {
      const notGateway = await runCli(['groups', '-g', server.url]);
      expect(notGateway.code).toBe(1);
      expect(notGateway.stderr).toBe(
        `error: ${server.url}/api/v1/metrics answered, but not with the Pushgateway's JSON list of groups: it sent 26 characters of text/plain ("hello from some web server"); the URL is not a Pushgateway (v1.0 or later): check --gateway\n`,
      );
      for (const other of [prometheusLike, groupsWithoutLabels]) {
        for (const command of [['groups'], ['prune', '--older-than', '1s']]) {
          const result = await runCli([...command, '-g', other.url, '--json']);
          expect(result.code, result.stderr).toBe(1);
          expect(result.stderr).toContain("answered, but not with the Pushgateway's JSON list of groups: it sent");
          expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'GATEWAY_ANSWER', exitCode: 1 } });
        }
        // Nothing was deleted: the only requests were the reads of the list.
        expect(other.requests.map((request) => request.method)).toEqual(['GET', 'GET']);
      }
    } finally {
      await Promise.all([server.close(), prometheusLike.close(), groupsWithoutLabels.close()]);
    }
  });
});

describe('csv-push prune', () => {
  it('deletes only the stale groups of the filter, each by its exact key (@base64 for / and empty values), after a --dry-run that deletes nothing', async () => {
    const job = uniqueJob();
    const bystander = uniqueJob();
    await push(job, ['instance=old']);
    await push(job, ['instance=old-slash', 'path=/srv/a/b']);
    // csv-push refuses to push an empty grouping value; another client may still make such a group.
    const emptyValue = await fetch(`${gateway.url}/metrics/job/${job}/instance@base64/=/zone/old-empty`, { method: 'PUT', body: 'a 1\nb 2\nc 3\n' });
    expect(emptyValue.status).toBe(200);
    await push(bystander);
    await sleep(2100);
    const prune = async (...extra: string[]) => {
      await push(job, ['instance=fresh']); // pushed again just before each prune, so it is always well under 2 s old
      return runCli(['prune', '--older-than', '2s', '--job', job, '-g', gateway.url, ...extra]);
    };

    const dryRun = await prune('--dry-run');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^would delete \\{job="${job}", instance="", zone="old-empty"\\} \\(last push \\d+s ago, 3 series\\)$`)),
      expect.stringMatching(new RegExp(`^would delete \\{job="${job}", instance="old"\\} \\(last push \\d+s ago, 3 series\\)$`)),
      expect.stringMatching(new RegExp(`^would delete \\{job="${job}", instance="old-slash", path="/srv/a/b"\\} \\(last push \\d+s ago, 3 series\\)$`)),
      '',
    ]);
    expect(dryRun.stderr).toMatch(new RegExp(`^dry run: 3 groups matching job="${job}" not pushed for 2s would be deleted from ${gateway.url} \\(\\d+ groups on the gateway\\); nothing was deleted\\n$`));
    expect(await jobGroups(job)).toHaveLength(4);

    const pruned = await prune('--json');
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toBe('');
    const json = JSON.parse(pruned.stdout);
    expect(json).toMatchObject({ ok: true, action: 'prune', dryRun: false, olderThanSeconds: 2, matched: 3, deleted: 3, kept: 0, failed: 0 });
    expect(json.groups.map((group: { labels: unknown; deleted: boolean }) => [group.labels, group.deleted])).toEqual([
      [{ job, instance: '', zone: 'old-empty' }, true],
      [{ job, instance: 'old' }, true],
      [{ job, instance: 'old-slash', path: '/srv/a/b' }, true],
    ]);
    expect(await jobGroupsAfterPrune(job, 1)).toEqual([{ job, instance: 'fresh' }]);
    expect(await jobGroups(bystander)).toEqual([{ job: bystander }]);
  });

  it('keeps going when a delete fails, names it, and exits 1', async () => {
    const job = uniqueJob();
    await push(job, ['instance=locked']);
    await push(job, ['instance=loose']);
    await sleep(1100);
    // In front of the real gateway: refuses to delete one group, passes everything else through.
    const proxy = await startFaultServer((_attempt, request, response) => {
      if (request.method === 'DELETE' && request.url?.endsWith('/instance/locked')) {
        response.writeHead(403, { 'content-type': 'text/plain' });
        response.end('locked by policy');
        return;
      }
      void fetch(`${gateway.url}${request.url}`, { method: request.method }).then(async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
        response.end(await upstream.text());
      });
    });
    try {
      const result = await runCli(['prune', '--older-than', '1s', '--job', job, '-g', proxy.url]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `error: could not delete {job="${job}", instance="locked"}: the gateway refused DELETE ${proxy.url}/metrics/job/${job}/instance/locked with HTTP 403 Forbidden: locked by policy`,
      );
      expect(result.stderr).toMatch(/✘ deleted 1 of 2 groups matching job="[^"]+" not pushed for 1s from \S+ \(\d+ groups on the gateway\); 1 could not be deleted\n$/);
      expect(result.stdout).toMatch(new RegExp(`^deleted \\{job="${job}", instance="loose"\\} \\(last push \\d+s ago, 3 series\\)\\n$`));
      expect(await jobGroupsAfterPrune(job, 1)).toEqual([{ job, instance: 'locked' }]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses to run without a positive --older-than, sending nothing, and a CSV file named groups still pushes as ./groups', async () => {
    const server = await startFaultServer(answer(500));
    try {
      const cases: [string[], string][] = [
        [['prune'], 'error: prune needs --older-than, e.g. --older-than 7d'],
        [['prune', '--older-than', '0s'], 'error: --older-than must be longer than zero: zero would match every group'],
        [['prune', '--older-than', '10'], 'error: --older-than "10" is not a duration; write a number and a unit'],
        [['groups', '--older-than', '3 days'], 'error: --older-than "3 days" is not a duration'],
        [['prune', '--older-than', '1d', '--label', 'job=x'], 'error: --label job=... is not a filter; use --job'],
        [['groups', '--job', 'x', '--value-column', 'load'], "error: unknown option '--value-column'"],
        [['groups', 'data.csv'], "error: too many arguments for 'groups'"],
      ];
      for (const [args, message] of cases) {
        const result = await runCli([...args, '-g', server.url]);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr, args.join(' ')).toContain(message);
      }
      expect(server.requests).toEqual([]);
      const hint = await runCli(['groups', '--job', 'x', '--value-column', 'load']);
      expect(hint.stderr).toContain('to push a CSV file named groups or prune, write ./groups or ./prune');
    } finally {
      await server.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'csv-push-groups-file-'));
    writeFileSync(join(dir, 'groups'), 'host,load\nweb-1,1\n');
    const job = uniqueJob();
    const pushed = await runCli(['./groups', '--job', job, '-g', gateway.url, '--value-column', 'load'], { cwd: dir });
    expect(pushed.code).toBe(0);
    expect((await gateway.group({ job }))?.metrics.groups_load?.samples).toEqual([{ labels: { host: 'web-1' }, value: 1 }]);
  });
});
