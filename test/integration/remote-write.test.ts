import { describe, expect, it } from 'vitest';
import { parseGatewayUrl } from '../../src/transport/gateway-url.js';
import { RemoteWriteSender } from '../../src/remote-write/sender.js';
import { seriesLabels } from '../../src/remote-write/series-labels.js';
import { decodeRemoteWriteBody, type RemoteSeries } from '../../src/remote-write/write-request.js';
import { answer, hang, useFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { failure } from '../helpers/failure.js';
import { exportVictoriaMetrics, queryPrometheus, sortSamples, usePrometheus, useVictoriaMetrics } from '../helpers/receivers.js';

const transport = { timeoutMs: 20_000, retries: 0 };
let runs = 0;

/** Rows of a small CSV, as series: a unique metric name per call keeps tests apart. */
function rows(count: number, timestampMs: (index: number) => number): { metric: string; series: RemoteSeries[] } {
  const metric = `rw_${process.pid}_${++runs}`;
  const series = Array.from({ length: count }, (_, index) => ({
    labels: seriesLabels(metric, { host: `host-${index}`, note: index % 2 === 0 ? '' : 'odd "one"\\' }, [
      { name: 'job', value: 'nightly' },
      { name: 'env', value: 'test' },
    ]),
    value: index + 0.5,
    timestampMs: timestampMs(index),
  }));
  return { metric, series };
}

async function sendAll(url: string, series: readonly RemoteSeries[], batchSize: number) {
  const sender = new RemoteWriteSender(parseGatewayUrl(url, '--remote-write'), transport, batchSize);
  for (const one of series) await sender.add(one);
  return sender.finish();
}

/** What a receiver should hold for these series: labels as sent, without the empty ones. */
function expected(series: readonly RemoteSeries[]) {
  return sortSamples(series.map((one) => ({
    labels: Object.fromEntries(one.labels.map((label) => [label.name, label.value])),
    value: one.value,
    timestampMs: one.timestampMs,
  })));
}

describe('remote write to a real Prometheus (--web.enable-remote-write-receiver)', () => {
  const prometheus = usePrometheus();

  it('stores every series of every batch, with its labels and the timestamps sent', async () => {
    const start = Date.UTC(2024, 4, 1, 12, 0, 0);
    // Rows a second apart: Prometheus takes a fresh database's old samples within an hour of each other.
    const { metric, series } = rows(23, (index) => start + index * 1000);
    const progress = await sendAll(`${prometheus.current().url}/api/v1/write`, series, 5);
    expect(progress).toMatchObject({ seriesSent: 23, batchesSent: 5, attempts: 5, status: 204 });
    const last = start + 22 * 1000;
    const stored = await queryPrometheus(prometheus.current().url, metric, last);
    // An instant query gives each series' value at the query time, stamped with that time.
    expect(sortSamples(stored)).toEqual(expected(series).map((sample) => ({ ...sample, timestampMs: last })));
    // And at its own time each sample is there, but not a moment before.
    const first = series[0] as RemoteSeries;
    expect(await queryPrometheus(prometheus.current().url, `${metric}{host="host-0"}`, first.timestampMs)).toHaveLength(1);
    expect(await queryPrometheus(prometheus.current().url, `${metric}{host="host-0"}`, first.timestampMs - 1)).toHaveLength(0);
    const timestamps = await queryPrometheus(prometheus.current().url, `timestamp(${metric})`, last);
    expect(timestamps.map((sample) => sample.value * 1000).sort((a, b) => a - b)).toEqual(series.map((one) => one.timestampMs));
  });

  it('refuses an older sample of a series with its own reason, shown as a 4xx and not retried', async () => {
    const start = Date.UTC(2024, 4, 1, 12, 0, 0);
    const { series } = rows(1, () => start + 10_000);
    const url = `${prometheus.current().url}/api/v1/write`;
    await sendAll(url, series, 10);
    const older = { ...(series[0] as RemoteSeries), timestampMs: start };
    const sender = new RemoteWriteSender(parseGatewayUrl(url, '--remote-write'), { ...transport, retries: 3 }, 10);
    sender.add(older);
    const error = await failure(sender.finish());
    expect(error.code).toBe('PUSH_REFUSED');
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^the remote-write receiver refused POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write with HTTP 400 Bad Request: .*out of order sample/);
    expect(sender.progress().attempts).toBe(1);
  });
});

describe('remote write to a real VictoriaMetrics', () => {
  const victoria = useVictoriaMetrics();

  it('stores every series with the exact values and timestamps sent', async () => {
    const start = Date.UTC(2023, 0, 15, 8, 30, 0);
    // Days apart: VictoriaMetrics keeps history as it comes (within its retention).
    const { metric, series } = rows(57, (index) => start + index * 86_400_000);
    const progress = await sendAll(`${victoria.current().url}/api/v1/write`, series, 10);
    expect(progress).toMatchObject({ seriesSent: 57, batchesSent: 6, status: 204 });
    expect(sortSamples(await exportVictoriaMetrics(victoria.current().url, `{__name__="${metric}"}`, series.length))).toEqual(expected(series));
  });

  it('takes a batch of the default size', async () => {
    const now = Date.now();
    const { metric, series } = rows(12_345, () => now);
    const progress = await sendAll(`${victoria.current().url}/api/v1/write`, series, 5000);
    expect(progress).toMatchObject({ seriesSent: 12_345, batchesSent: 3 });
    const stored = await exportVictoriaMetrics(victoria.current().url, `{__name__="${metric}"}`, 12_345);
    expect(stored).toHaveLength(12_345);
    expect(new Set(stored.map((sample) => sample.labels.host)).size).toBe(12_345);
  });
});

describe('remote write requests, as a receiver sees them', () => {
  const faultServer = useFaultServer();
  let server: FaultServer;

  it('POSTs snappy-compressed protobuf with the remote write 1.0 headers and the transport headers', async () => {
    server = await faultServer(answer(204));
    const { series } = rows(3, (index) => 1000 * index);
    const sender = new RemoteWriteSender(
      parseGatewayUrl(`${server.url.replace('http://', 'http://alice:pw@')}/prefix/api/v1/write`, '--remote-write'),
      { ...transport, headers: { 'X-Scope-OrgID': 'team-a' }, gzip: true },
      2,
    );
    for (const one of series) await sender.add(one);
    await sender.finish();
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/prefix/api/v1/write');
      expect(request.headers).toMatchObject({
        'content-type': 'application/x-protobuf',
        // --gzip does not apply: remote write bodies are snappy, and only snappy.
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
        'x-scope-orgid': 'team-a',
        authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}`,
      });
    }
    const received = server.requests.flatMap((request) => decodeRemoteWriteBody(request.body).timeseries);
    expect(received.map((one) => one.labels)).toEqual(series.map((one) => one.labels));
  });

  it('retries 429 and 5xx answers, honouring Retry-After', async () => {
    server = await faultServer((attempt, request, response) => {
      const plans = [answer(429, 'slow down', { 'retry-after': '0' }), answer(503, 'busy'), answer(204)];
      (plans[attempt - 1] ?? answer(204))(attempt, request, response);
    });
    const { series } = rows(2, () => 0);
    const sender = new RemoteWriteSender(parseGatewayUrl(server.url, '--remote-write'), { ...transport, retries: 2, backoffMs: 10 }, 10);
    for (const one of series) await sender.add(one);
    expect(await sender.finish()).toMatchObject({ seriesSent: 2, batchesSent: 1, attempts: 3, status: 204 });
    expect(server.requests.map((request) => request.body)).toEqual([server.requests[0]?.body, server.requests[0]?.body, server.requests[0]?.body]);
  });

  it('sends a batch again when its answer does not come in time (a receiver takes the same samples twice as once)', async () => {
    server = await faultServer((attempt, request, response) => (attempt === 1 ? hang : answer(204))(attempt, request, response));
    const { series } = rows(2, () => 0);
    const sender = new RemoteWriteSender(parseGatewayUrl(server.url, '--remote-write'), { timeoutMs: 500, retries: 1, backoffMs: 10 }, 10);
    for (const one of series) await sender.add(one);
    expect(await sender.finish()).toMatchObject({ seriesSent: 2, batchesSent: 1, attempts: 2 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toEqual(server.requests[0]?.body);
  });

  it('stops at a refused batch, saying which, and counts what was already stored', async () => {
    server = await faultServer((attempt, request, response) =>
      (attempt <= 2 ? answer(204) : answer(400, 'out of bounds: sample too old'))(attempt, request, response),
    );
    const { series } = rows(10, () => 0);
    const sender = new RemoteWriteSender(parseGatewayUrl(server.url, '--remote-write'), transport, 3);
    const error = await failure((async () => {
      for (const one of series) await sender.add(one);
      return sender.finish();
    })());
    expect(error.message).toMatch(/^the remote-write receiver refused POST http:\/\/127\.0\.0\.1:\d+ with HTTP 400 Bad Request: out of bounds: sample too old \(batch 3\): Prometheus takes no samples older than the ones it holds by remote write; write history with --openmetrics FILE --timestamp-column <column> and load it with promtool tsdb create-blocks-from openmetrics \(docs\/history\.md\)$/);
    expect(error.status).toBe(400);
    expect(sender.progress()).toMatchObject({ batchesSent: 2, seriesSent: 6 });
    // Reading stopped at the failure: the fourth batch was never sent.
    expect(server.requests).toHaveLength(3);
  });

  it('makes the reader wait while a batch is on its way, so rows do not pile up', async () => {
    let release: () => void = () => undefined;
    server = await faultServer((attempt, request, response) => {
      if (attempt === 1) release = () => answer(204)(attempt, request, response);
      else answer(204)(attempt, request, response);
    });
    const { series } = rows(6, () => 0);
    const sender = new RemoteWriteSender(parseGatewayUrl(server.url, '--remote-write'), transport, 2);
    expect(sender.add(series[0] as RemoteSeries)).toBeUndefined();
    // A full batch goes out at once; the caller may fill the next one meanwhile.
    await sender.add(series[1] as RemoteSeries);
    expect(sender.add(series[2] as RemoteSeries)).toBeUndefined();
    let secondTaken = false;
    const second = sender.add(series[3] as RemoteSeries)?.then(() => (secondTaken = true));
    expect(second).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The second batch waits for the first one's answer.
    expect(secondTaken).toBe(false);
    expect(server.requests).toHaveLength(1);
    release();
    await second;
    expect(await sender.finish()).toMatchObject({ seriesSent: 4, batchesSent: 2 });
  });

  it('with two requests allowed at once, sends the next batch before the first is answered, and a third only after', async () => {
    const held: (() => void)[] = [];
    server = await faultServer((attempt, request, response) => {
      held.push(() => answer(204)(attempt, request, response));
    });
    const { series } = rows(6, () => 0);
    const sender = new RemoteWriteSender(parseGatewayUrl(server.url, '--remote-write'), transport, 2, 2);
    await sender.add(series[0] as RemoteSeries);
    sender.add(series[1] as RemoteSeries);
    await sender.add(series[2] as RemoteSeries);
    sender.add(series[3] as RemoteSeries);
    let thirdMayGo = false;
    const third = sender.add(series[4] as RemoteSeries);
    expect(sender.add(series[5] as RemoteSeries)?.then(() => (thirdMayGo = true))).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(2);
    expect(thirdMayGo).toBe(false);
    // Which of the two the server saw first is up to the sockets: answer both.
    for (const release of held.splice(0)) release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(thirdMayGo).toBe(true);
    expect(server.requests).toHaveLength(3);
    const finished = sender.finish();
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const release of held.splice(0)) release();
    expect(await finished).toMatchObject({ seriesSent: 6, batchesSent: 3 });
    expect(third).toBeUndefined();
  });

  it('says where to point --remote-write when nothing listens there', async () => {
    server = await faultServer(answer(204));
    const url = server.url;
    await server.close();
    const sender = new RemoteWriteSender(parseGatewayUrl(url, '--remote-write'), transport, 1);
    const error = await failure(Promise.resolve(sender.add(rows(1, () => 0).series[0] as RemoteSeries)).then(() => sender.finish()));
    expect(error.message).toMatch(/^cannot reach the remote-write receiver at http:\/\/127\.0\.0\.1:\d+: connection refused; is the remote-write receiver running there\? Set --remote-write$/);
  });
});
