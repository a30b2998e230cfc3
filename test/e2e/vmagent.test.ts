import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalVictoriaMetrics, startLocalVmagent, type LocalService } from '../../scripts/local-services.mjs';
import { runCli } from '../helpers/cli.js';
import { answer, useFaultServer } from '../helpers/fault-server.js';
import {
  exportVictoriaMetrics,
  expectOneRunTime,
  queryPrometheus,
  sortSamples,
  usePrometheus,
  useVictoriaMetrics,
  useVmagent,
  vmagentCounter,
  type StoredSample,
} from '../helpers/receivers.js';

/**
 * The way out of one machine (docs/scaling-out.md): csv-push sends to a real vmagent, which
 * replicates every sample to two real VictoriaMetrics and queues on disk for one that is down.
 * What landed is read back from each node; waits are polls with deadlines, never sleeps.
 */

const work = mkdtempSync(join(tmpdir(), 'csv-push-vmagent-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A sample reduced to what a user compares across nodes: series, value and time. */
const seen = (samples: readonly StoredSample[]) => sortSamples(samples).map(({ labels, value, timestampMs }) => ({ labels, value, timestampMs }));

/** Polls `check` until it holds, failing with `what` after `waitMs`. */
async function waitFor(what: string, check: () => Promise<boolean>, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${waitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('--remote-write through a real vmagent replicating to two VictoriaMetrics', () => {
  const first = useVictoriaMetrics();
  // The second node is stopped and started again over its own data at its own address.
  const secondData = mkdtempSync(join(tmpdir(), 'csv-push-vm-second-'));
  let second: LocalService | undefined;
  beforeAll(async () => {
    second = await startLocalVictoriaMetrics({ directory: secondData });
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    rmSync(secondData, { recursive: true, force: true });
  });
  const secondUrl = () => {
    if (second === undefined) throw new Error('the second VictoriaMetrics is not running');
    return second.url;
  };
  const vmagent = useVmagent(() => [`${first.current().url}/api/v1/write`, `${secondUrl()}/api/v1/write`]);

  it('lands every series of a wide file, values and time, on both nodes (several batches, two requests at once)', async () => {
    const rows = 1200;
    const csv = join(work, 'replicated.csv');
    const lines = Array.from({ length: rows }, (_, index) => `host-${index},${['eu', 'us', 'ap'][index % 3]},${index / 4},${index * 1024}`);
    writeFileSync(csv, `host,region,load,mem\n${lines.join('\n')}\n`);
    const before = Date.now();
    const result = await runCli([csv, '--remote-write', `${vmagent.current().url}/api/v1/write`, '--value-column', 'load', '--value-column', 'mem', '--job', 'import', '--batch-size', '500', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^✔ sent 2,400 series from 1,200 rows in 5 batches to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write with \{job="import"\} in [\d.]+ m?s\n$/);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, seriesPushed: 2 * rows, batches: 5, remoteWrite: `${vmagent.current().url}/api/v1/write` });

    const selector = '{__name__=~"replicated_(load|mem)"}';
    const onFirst = await exportVictoriaMetrics(first.current().url, selector, 2 * rows);
    const onSecond = await exportVictoriaMetrics(secondUrl(), selector, 2 * rows);
    expect(onFirst).toHaveLength(2 * rows);
    expect(seen(onSecond)).toEqual(seen(onFirst));
    const values = new Map(onFirst.map((sample) => [`${sample.labels.__name__} ${sample.labels.host} ${sample.labels.region} ${sample.labels.job}`, sample.value]));
    const expected = new Map(
      Array.from({ length: rows }, (_, index) => [
        [`replicated_load host-${index} ${['eu', 'us', 'ap'][index % 3]} import`, index / 4],
        [`replicated_mem host-${index} ${['eu', 'us', 'ap'][index % 3]} import`, index * 1024],
      ]).flat() as [string, number][],
    );
    expect(values).toEqual(expected);
    // One time for the whole run, taken when it started, the same on both nodes.
    expectOneRunTime(onFirst, before);
  });

  it('exits 0 while a node is down (vmagent queued the rows), and the node gets every row once it is back', async () => {
    const csv = join(work, 'queued.csv');
    // Dated rows, given out of order: each must arrive with its own time.
    writeFileSync(
      csv,
      'host,time,load\nweb-1,2020-03-01T00:00:00Z,1.5\nweb-2,2020-03-01T00:00:00Z,2.5\nweb-1,2020-02-29T00:00:00Z,0.25\nweb-3,2021-01-01 12:30:00,-4\n',
    );
    const stopped = second;
    if (stopped === undefined) throw new Error('the second VictoriaMetrics is not running');
    await stopped.stop();
    second = undefined;
    const acceptedBefore = await vmagentCounter(vmagent.current().url, 'vmagent_remotewrite_requests_total', 2, 'status_code="2XX"');

    const result = await runCli([csv, '--remote-write', `${vmagent.current().url}/api/v1/write`, '--value-column', 'load', '--timestamp-column', 'time', '--job', 'history']);
    expect(result.code).toBe(0);
    // Two rows are one series at two times: 4 samples of 3 series.
    expect(result.stderr).toMatch(/^✔ sent 4 samples of 3 series from 4 rows in 1 batch to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write with \{job="history"\} in [\d.]+ m?s\n$/);
    const expected = [
      { host: 'web-1', value: 0.25, timestampMs: Date.UTC(2020, 1, 29) },
      { host: 'web-1', value: 1.5, timestampMs: Date.UTC(2020, 2, 1) },
      { host: 'web-2', value: 2.5, timestampMs: Date.UTC(2020, 2, 1) },
      { host: 'web-3', value: -4, timestampMs: Date.UTC(2021, 0, 1, 12, 30) },
    ];
    const asRows = (samples: readonly StoredSample[]) => seen(samples).map(({ labels, value, timestampMs }) => ({ host: labels.host, value, timestampMs }));
    expect(asRows(await exportVictoriaMetrics(first.current().url, 'queued_load', 4))).toEqual(expected);
    // vmagent tried the stopped node, failed, and holds the block to send again: exit 0 meant accepted by the agent.
    await waitFor('vmagent to fail sending to the stopped node', async () => (await vmagentCounter(vmagent.current().url, 'vmagent_remotewrite_errors_total', 2)) > 0, 20_000);
    expect(await vmagentCounter(vmagent.current().url, 'vmagent_remotewrite_requests_total', 2, 'status_code="2XX"')).toBe(acceptedBefore);
    expect(vmagent.current().log()).toContain(`dial tcp4 127.0.0.1:${stopped.port}: connect: connection refused; re-sending the block`);

    second = await startLocalVictoriaMetrics({ directory: secondData, port: stopped.port });
    // vmagent waits 2 s, 4 s, 8 s ... between tries: a minute covers the tries of a slow machine.
    const delivered = await exportVictoriaMetrics(second.url, 'queued_load', 4, 60_000);
    expect(asRows(delivered)).toEqual(expected);
    expect(delivered.every((sample) => sample.labels.job === 'history')).toBe(true);
  }, 120_000);
});

describe('--remote-write to a vmagent that is down', () => {
  it('exits 1 naming the address it could not reach, with nothing counted as sent', async () => {
    const downstream = await startLocalVictoriaMetrics();
    const agent = await startLocalVmagent({ remoteWriteUrls: [`${downstream.url}/api/v1/write`] });
    await agent.stop();
    await downstream.stop();
    const result = await runCli(['example_data.csv', '--remote-write', `${agent.url}/api/v1/write`, '--job', 'nightly', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: cannot reach the remote-write receiver at ${agent.url}/api/v1/write: connection refused; is the remote-write receiver running there\\? Set --remote-write \\(after 3 attempts in [\\d.]+ m?s\\)$`,
        'm',
      ),
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, seriesPushed: 0, batches: 0, error: { code: 'PUSH_UNREACHABLE', exitCode: 1 } });
  }, 60_000);
});

describe('exit 0 through vmagent means accepted by the agent, not stored', () => {
  const prometheus = usePrometheus();
  const vmagent = useVmagent(() => [`${prometheus.current().url}/api/v1/write`]);

  it('a row Prometheus refuses (out of bounds) exits 1 when sent directly, and 0 through vmagent, which drops it', async () => {
    const now = join(work, 'now.csv');
    writeFileSync(now, 'host,load\nweb-1,0.5\n');
    const old = join(work, 'old.csv');
    writeFileSync(old, 'host,time,load\nweb-1,2020-03-01T00:00:00Z,1.5\n');
    const through = (csv: string, ...more: string[]) =>
      runCli([csv, '--remote-write', `${vmagent.current().url}/api/v1/write`, '--value-column', 'load', '--metric', 'agent_rows', ...more]);
    // A current sample first: Prometheus then refuses one six years older.
    expect((await through(now)).code).toBe(0);
    await waitFor('the current row to reach Prometheus', async () => (await queryPrometheus(prometheus.current().url, 'agent_rows_load', Date.now())).length === 1, 20_000);

    const direct = await runCli([old, '--remote-write', `${prometheus.current().url}/api/v1/write`, '--value-column', 'load', '--metric', 'agent_rows', '--timestamp-column', 'time']);
    expect(direct.code).toBe(1);
    expect(direct.stderr).toContain('with HTTP 400 Bad Request: out of bounds');

    const viaAgent = await through(old, '--timestamp-column', 'time');
    expect(viaAgent.code).toBe(0);
    expect(viaAgent.stderr).toMatch(/^✔ sent 1 series from 1 row in 1 batch to /);
    await waitFor('vmagent to drop the refused block', async () => (await vmagentCounter(vmagent.current().url, 'vmagent_remotewrite_packets_dropped_total', 1)) === 1, 20_000);
    expect(await vmagentCounter(vmagent.current().url, 'vmagent_remotewrite_requests_total', 1, 'status_code="400"')).toBe(1);
    expect(vmagent.current().log()).toContain('was rejected (skipping the block): status code 400; response body: out of bounds');
    expect(await queryPrometheus(prometheus.current().url, 'agent_rows_load', Date.UTC(2020, 2, 1))).toEqual([]);
  }, 60_000);
});

describe('a tenant header through vmagent', () => {
  const startServer = useFaultServer();

  it("is vmagent's -remoteWrite.headers: csv-push's -H reaches vmagent only", async () => {
    // Mimir, Cortex and Thanos have no Debian package: a loopback server answering 204 as they do shows what vmagent sends on.
    const receiver = await startServer(answer(204));
    const agent = await startLocalVmagent({ remoteWriteUrls: [`${receiver.url}/api/v1/push`], args: ['-remoteWrite.headers=X-Scope-OrgID:team-a'] });
    try {
      const result = await runCli(['example_data.csv', '--remote-write', `${agent.url}/api/v1/write`, '-H', 'X-Scope-OrgID: team-b', '-H', 'THANOS-TENANT: team-b']);
      expect(result.code).toBe(0);
      await waitFor('vmagent to send the rows on', async () => receiver.requests.length > 0, 20_000);
    } finally {
      await agent.stop();
    }
    // Three rows make one block, but a flush between them would make two: each must carry vmagent's tenant.
    expect(new Set(receiver.requests.map((request) => JSON.stringify([request.url, request.headers['x-scope-orgid'], request.headers['thanos-tenant'] ?? null])))).toEqual(
      new Set([JSON.stringify(['/api/v1/push', 'team-a', null])]),
    );
  }, 60_000);
});
