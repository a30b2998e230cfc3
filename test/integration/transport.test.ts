import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { pushCsv, type AttemptEvent, type PushCsvOptions } from '../../src/index.js';
import { failure } from '../helpers/failure.js';
import { fixture } from '../helpers/fixtures.js';
import { answer, hang, reset, useFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { startPushgateway, type RunningGateway } from '../helpers/pushgateway.js';
import { startSecuredGateway } from '../helpers/secured-gateway.js';
import { makePki, type TestPki } from '../helpers/tls.js';

const example = [{ path: fixture('example_data.csv') }];

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

// Secured gateways are tested through the CLI users run (test/e2e/transport-real-gateway.test.ts);
// here only what the library shows beyond it: how many attempts a caller's onAttempt sees, and
// the report's address without the URL's credentials.
describe('secured gateways, at the library level', () => {
  let basicAuth: RunningGateway;
  let tls: RunningGateway;
  beforeAll(async () => {
    [basicAuth, tls] = await Promise.all([startSecuredGateway(pki, { alicePassword: 's3cret pass' }), startSecuredGateway(pki, { tls: true })]);
  });
  afterAll(async () => {
    await Promise.all([basicAuth?.stop(), tls?.stop()]);
  });

  it('reports the gateway without the credentials of its URL', async () => {
    const url = basicAuth.url.replace('http://', 'http://alice:s3cret%20pass@');
    const report = await pushCsv({ gateway: url, job: 'url_auth', sources: example });
    expect(report.gateway).toBe(basicAuth.url);
    expect((await basicAuth.group({ job: 'url_auth' }))?.metrics.example_data?.samples).toHaveLength(3);
  });

  it('a wrong password fails with the 401 named, once, and no secret in the message', async () => {
    const attempts: AttemptEvent[] = [];
    const error = await failure(
      pushCsv({
        gateway: basicAuth.url,
        job: 'bad_auth',
        sources: example,
        transport: { credentials: { username: 'alice', password: 'wrong-Pa55' }, retries: 3, onAttempt: (event) => attempts.push(event) },
      }),
    );
    expect(error.exitCode).toBe(1);
    expect(error.status).toBe(401);
    expect(error.message).toContain(`the gateway refused PUT ${basicAuth.url}/metrics/job/bad_auth with HTTP 401 Unauthorized`);
    expect(error.message).toContain('check the credentials');
    expect(error.message).not.toContain('wrong-Pa55');
    expect(attempts).toHaveLength(1);
  });

  it('explains an untrusted certificate in one line, without retrying', async () => {
    const attempts: AttemptEvent[] = [];
    const error = await failure(pushCsv({ gateway: tls.url, job: 'tls_untrusted', sources: example, transport: { retries: 2, onAttempt: (e) => attempts.push(e) } }));
    expect(error.code).toBe('TLS');
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^the gateway's certificate is not trusted \([A-Z_]+\) at https:\/\/127\.0\.0\.1:\d+\/metrics\/job\/tls_untrusted: pass --ca-file with the CA that signed it, or add that CA to the system trust store$/);
    expect(attempts).toHaveLength(1);
  });

  it('says to use http when the gateway does not speak TLS', async () => {
    const plain = await startPushgateway();
    try {
      const error = await failure(pushCsv({ gateway: plain.url.replace('http:', 'https:'), job: 'x', sources: example, transport: { retries: 0 } }));
      expect(error.message).toContain('does not speak TLS: use http:// instead of https://');
    } finally {
      await plain.stop();
    }
  });
});

describe('faults the real gateway does not make', () => {
  const faultServer = useFaultServer();
  let server: FaultServer;

  function pushTo(url: string, transport: PushCsvOptions['transport']) {
    return pushCsv({ gateway: url, job: 'faults', sources: example, transport: { backoffMs: 20, ...transport } });
  }

  it('retries a 503 and succeeds on the next attempt', async () => {
    server = await faultServer((attempt, request, response) =>
      attempt === 1 ? answer(503, 'busy')(attempt, request, response) : answer(200)(attempt, request, response),
    );
    const report = await pushTo(server.url, { retries: 2 });
    expect(report).toMatchObject({ pushed: true, status: 200, attempts: 2 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body.toString()).toContain('example_data{name="foo",value="1"} 1');
  });

  it('sends the same many-chunk body again on a retry', async () => {
    server = await faultServer((attempt, request, response) =>
      attempt === 1 ? answer(503)(attempt, request, response) : answer(200)(attempt, request, response),
    );
    // Over a megabyte of exposition text: more than one chunk.
    const rows = Array.from({ length: 40_000 }, (_, index) => `web-${index}-${'x'.repeat(20)}`).join('\n');
    const report = await pushCsv({
      gateway: server.url,
      job: 'faults',
      metric: 'many',
      sources: [{ name: 'many.csv', stream: Readable.from([Buffer.from(`host\n${rows}\n`)]) }],
      transport: { backoffMs: 20, retries: 1 },
    });
    expect(report.attempts).toBe(2);
    const [first, second] = server.requests;
    expect(first?.headers['transfer-encoding']).toBe('chunked');
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(second?.body.toString().split('\n')).toHaveLength(40_000 + 3);
  });

  it('sends a small body in one piece, with its length', async () => {
    server = await faultServer(answer(200));
    await pushTo(server.url, {});
    expect(server.requests[0]?.headers['content-length']).toBe(String(server.requests[0]?.body.length));
  });

  it('accepts 202, as a gateway without its consistency check answers', async () => {
    server = await faultServer(answer(202));
    expect(await pushTo(server.url, { retries: 0 })).toMatchObject({ pushed: true, status: 202 });
  });

  it('honours Retry-After', async () => {
    server = await faultServer((attempt, request, response) =>
      attempt === 1 ? answer(503, 'later', { 'retry-after': '1' })(attempt, request, response) : answer(200)(attempt, request, response),
    );
    await pushTo(server.url, { retries: 1 });
    const [first, second] = server.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the retries, naming the status, URL and body', async () => {
    server = await faultServer(answer(503, 'gateway overloaded'));
    const error = await failure(pushTo(server.url, { retries: 2 }));
    expect(server.requests).toHaveLength(3);
    expect(error.message).toMatch(/^the gateway refused PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/faults with HTTP 503 Service Unavailable \(after 3 attempts in \d+ ms\): gateway overloaded$/);
  });

  it('never retries a 400', async () => {
    server = await faultServer(answer(400, 'text format parsing error in line 3'));
    const error = await failure(pushTo(server.url, { retries: 3 }));
    expect(server.requests).toHaveLength(1);
    expect(error.status).toBe(400);
    expect(error.message).toContain('with HTTP 400 Bad Request: text format parsing error in line 3');
  });

  it('abandons a gateway that takes the body and never answers, without sending it again', async () => {
    server = await faultServer(hang);
    const started = Date.now();
    const error = await failure(pushTo(server.url, { retries: 1, timeoutMs: 300 }));
    const took = Date.now() - started;
    expect(error.code).toBe('PUSH_TIMEOUT');
    expect(error.message).toMatch(/did not answer within 300 ms \(--timeout\) after receiving the whole body, and the group could not be read back \(no answer from \S+\/metrics within [\d.]+ m?s\): it may have been stored; it was not sent again/);
    expect(server.requests.map((request) => request.method)).toEqual(['PUT', 'GET']);
    expect(took).toBeLessThan(15_000);
  });

  it('retries a reset connection', async () => {
    server = await faultServer((attempt, request, response) =>
      attempt < 3 ? reset(attempt, request, response) : answer(200)(attempt, request, response),
    );
    expect(await pushTo(server.url, { retries: 2 })).toMatchObject({ pushed: true, attempts: 3 });
    server.requests.length = 0;
    await server.close();
    server = await faultServer(reset);
    const error = await failure(pushTo(server.url, { retries: 1 }));
    expect(error.code).toBe('PUSH_UNREACHABLE');
    expect(error.message).toContain('the connection was reset before the gateway answered');
  });

  it('sends headers, bearer tokens and gzip bodies as asked', async () => {
    server = await faultServer(answer(200));
    await pushTo(server.url, { headers: { 'X-Scope-OrgID': 'tenant-1' }, bearerToken: 'tok-123', gzip: true });
    const request = server.requests[0];
    expect(request?.headers['x-scope-orgid']).toBe('tenant-1');
    expect(request?.headers.authorization).toBe('Bearer tok-123');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(request?.body ?? Buffer.alloc(0)).toString()).toContain('# TYPE example_data gauge');
  });
});
