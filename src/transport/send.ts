import * as http from 'node:http';
import type * as https from 'node:https';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { CsvPushError, usageError } from '../errors.js';
import { displayUrl, type BasicCredentials, type GatewayAddress } from './gateway-url.js';
import { groupOfPath, PUSH_TIME_PREFIXES, readBackPush, readBackWindowMs, type PushTimeLines } from './read-back.js';


export type HttpMethod = 'PUT' | 'POST' | 'DELETE' | 'GET';

/** What a request sends: chunks taken as the socket takes them, and what they are. */
export interface RequestBody {
  chunks(): Iterable<Buffer>;
  /** The format, e.g. prom-client's `registry.contentType`. */
  readonly contentType?: string | undefined;
  /** For chunks that are compressed already (remote write's `snappy`); `gzip` does not apply then. */
  readonly contentEncoding?: string;
  /** Further headers the format asks for, such as the remote write version. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Who is at the other end: the Pushgateway, or a remote-write receiver. */
export interface Peer {
  /** For messages: "the gateway refused ...". */
  readonly noun: string;
  /** Where the user sets its URL, for messages. */
  readonly urlOption: string;
  /**
   * Whether a body it may already have taken can be sent again. A push cannot (the gateway would
   * ingest it twice; its push time is read back instead); remote write can: the same samples at
   * the same times are the same data to a receiver.
   */
  readonly resendable: boolean;
}

export const GATEWAY_PEER: Peer = { noun: 'gateway', urlOption: '--gateway or PUSHGATEWAY_URL', resendable: false };

export interface TlsOptions {
  /** PEM text of CAs to trust in addition to none: when given, only these are trusted. */
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Skip certificate verification. */
  readonly insecure?: boolean;
}

export interface AttemptEvent {
  readonly attempt: number;
  readonly attempts: number;
  readonly method: HttpMethod;
  readonly url: string;
  readonly status?: number;
  /** Why the attempt failed, when it did (no secrets: built from status and error codes). */
  readonly problem?: string;
  /** Set when another attempt follows after this many milliseconds. */
  readonly retryInMs?: number;
  /** Set when the answer did not come but reading the group back showed the gateway stored the push. */
  readonly readBack?: string;
  readonly elapsedMs: number;
}

export interface TransportOptions {
  /** Bounds each attempt as a whole: connect, send, and reading the answer. */
  readonly timeoutMs: number;
  /** Extra attempts after the first, for network errors, timeouts and 429, 500, 502, 503 and 504 answers only. */
  readonly retries: number;
  /** First backoff delay; each retry doubles it, with jitter. */
  readonly backoffMs?: number;
  /** Upper bound for any wait between attempts, `Retry-After` included. */
  readonly maxBackoffMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials?: BasicCredentials;
  readonly bearerToken?: string;
  readonly tls?: TlsOptions;
  readonly gzip?: boolean;
  readonly onAttempt?: (event: AttemptEvent) => void;
}

export interface GatewayAnswer {
  /** Undefined when no answer came and reading the group back showed the push stored. */
  readonly status: number | undefined;
  readonly body: string;
  readonly attempts: number;
}

interface RawAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly retryAfter: string | undefined;
  readonly location: string | undefined;
  readonly contentType: string | undefined;
}

/** An attempt that ended without an HTTP answer, with what to tell the user and whether to try again. */
class AttemptFailure extends Error {
  constructor(
    readonly code: 'PUSH_UNREACHABLE' | 'PUSH_TIMEOUT' | 'TLS',
    message: string,
    readonly retryable: boolean,
    /** The whole request had gone to the socket: the gateway may be ingesting it. */
    readonly delivered = false,
  ) {
    super(message);
  }
}

/** setTimeout fires after 1 ms for anything longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Answers that may heal by themselves: too many requests, and a gateway (or the proxy before it)
 * failing or overloaded for now. 501, 505 and the like say the server will never take this request.
 */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * The Pushgateway answers a refusal with Go's `http.Error`: `text/plain; charset=utf-8`, a reason of
 * one line that stays under a few hundred characters, except for clashes listing every series
 * (three took 698 characters). An answer of another kind that is long comes from something else.
 */
const GATEWAY_REASON_MAX = 1000;
const OTHER_ANSWER_SHOWN = 200;

export async function sendToGateway(
  address: GatewayAddress,
  method: HttpMethod,
  path: string,
  body: RequestBody | undefined,
  transport: TransportOptions,
  peer: Peer = GATEWAY_PEER,
): Promise<GatewayAnswer> {
  const url = displayUrl(address.base, path);
  if (!(transport.timeoutMs > 0 && transport.timeoutMs <= MAX_TIMER_MS)) {
    throw usageError(`--timeout must be more than 0 and at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds`);
  }
  const gzip = transport.gzip === true && body?.contentEncoding === undefined;
  const headers = requestHeaders(address, transport, body, gzip);
  // Compressed once, as a whole; plain text is rendered while it is sent (a body of several
  // chunks goes chunked), so the gateway parses one piece while the next is being rendered.
  const plain = { bytes: 0 };
  const payload: RequestBody | undefined =
    body !== undefined && gzip ? await gzipped(body, plain) : body === undefined ? undefined : counted(body, plain);
  const { client, agent } = await connectionFor(address.base, transport.tls);
  const attempts = transport.retries + 1;
  const started = Date.now();
  try {
    for (let attempt = 1; ; attempt++) {
      const attemptStarted = Date.now();
      let answer: RawAnswer | undefined;
      let failure: AttemptFailure | undefined;
      try {
        answer = await attemptOnce(client, address.base, method, path, headers, payload, agent, transport.timeoutMs, url, peer);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        failure = error;
      }
      if (failure?.code === 'PUSH_TIMEOUT' && failure.delivered && payload !== undefined && !peer.resendable) {
        const get = (getTimeoutMs: number) => getPushTimeLines(client, agent, address.base, headers, getTimeoutMs);
        const stored = await confirmByReadBack(get, { method, url, path, attempt, attempts, attemptStarted, failure, transport, bodyBytes: plain.bytes });
        return { status: undefined, body: '', attempts: attempt, ...stored };
      }
      const elapsedMs = Date.now() - attemptStarted;
      const status = answer?.status;
      // The Pushgateway answers 200 or 202, remote-write receivers 204.
      if (status !== undefined && status >= 200 && status < 300) {
        transport.onAttempt?.({ attempt, attempts, method, url, status, elapsedMs });
        return { status, body: answer?.body ?? '', attempts: attempt };
      }
      const retryable =
        failure !== undefined ? failure.retryable || (failure.delivered && peer.resendable) : RETRYABLE_STATUSES.has(status ?? 0);
      const problem = failure?.message ?? `HTTP ${status} ${answer?.statusText ?? ''}`.trim();
      const retryInMs =
        retryable && attempt < attempts ? backoffDelay(attempt, transport, answer?.retryAfter) : undefined;
      transport.onAttempt?.({
        attempt, attempts, method, url, problem, elapsedMs,
        ...(status === undefined ? {} : { status }),
        ...(retryInMs === undefined ? {} : { retryInMs }),
      });
      if (retryInMs === undefined) {
        const tried = attempt > 1 ? ` (after ${attempt} attempts in ${formatSeconds(Date.now() - started)})` : '';
        if (failure !== undefined) throw new CsvPushError(failure.code, `${failure.message}${tried}`);
        throw refusal(method, url, answer as RawAnswer, tried, address, peer);
      }
      await sleep(retryInMs);
    }
  } finally {
    agent.destroy();
  }
}

function requestHeaders(address: GatewayAddress, transport: TransportOptions, body: RequestBody | undefined, gzip: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'csv-push' };
  if (body?.contentType !== undefined) headers['content-type'] = body.contentType;
  const encoding = gzip ? 'gzip' : body?.contentEncoding;
  if (encoding !== undefined) headers['content-encoding'] = encoding;
  for (const [name, value] of Object.entries(body?.headers ?? {})) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(transport.headers ?? {})) headers[name.toLowerCase()] = value;
  // Credentials in the URL are the most specific, so they win over those from the environment.
  const credentials = address.credentials ?? transport.credentials;
  if (headers.authorization !== undefined && (credentials !== undefined || transport.bearerToken !== undefined)) {
    throw usageError('an Authorization header is given with --header and also by credentials or a bearer token; give one of them');
  }
  if (credentials !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  } else if (transport.bearerToken !== undefined) {
    headers.authorization = `Bearer ${transport.bearerToken}`;
  }
  return headers;
}

/** node:https is loaded only for https gateways: most pushes go to plain http, and it costs start-up. */
async function connectionFor(base: URL, tls: TlsOptions | undefined): Promise<{ client: HttpModule; agent: http.Agent }> {
  if (base.protocol === 'http:') return { client: http, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
  const https = await import('node:https');
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 1,
    ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls?.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: tls?.insecure !== true,
  });
  return { client: https, agent };
}

type HttpModule = Pick<typeof http, 'request'> | Pick<typeof https, 'request'>;

function requestOptions(base: URL, path: string, method: string, headers: Record<string, string>, agent: http.Agent): http.RequestOptions {
  return {
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port === '' ? undefined : Number(base.port),
    // Built by hand, not through URL, so encoded grouping values are sent exactly as encoded.
    path: `${base.pathname.replace(/\/+$/, '')}${path}`,
    method,
    headers,
    agent,
  };
}

function attemptOnce(
  client: HttpModule,
  base: URL,
  method: HttpMethod,
  path: string,
  headers: Record<string, string>,
  payload: RequestBody | undefined,
  agent: http.Agent,
  timeoutMs: number,
  url: string,
  peer: Peer,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = client.request(requestOptions(base, path, method, headers, agent));
    // Once connected, the body is on its way: a timeout then is a slow gateway, and sending the
    // body again would only make it ingest twice. Only a connection that never came is retried.
    let connected = false;
    let delivered = false;
    let settled = false;
    request.on('socket', (socket) => {
      const ready = 'encrypted' in socket ? 'secureConnect' : 'connect';
      if (socket.connecting) socket.once(ready, () => (connected = true));
      else connected = true;
    });
    request.on('finish', () => {
      delivered = payload !== undefined;
    });
    // The verdict waits for I/O already due: a loop busy rendering the body runs timers before it
    // sees that the connection came, which would call a connected, delivered push unconnected.
    const timer = setTimeout(() => setImmediate(() => {
      if (settled) return;
      const within = formatSeconds(timeoutMs);
      const failure = !connected
        ? new AttemptFailure('PUSH_TIMEOUT', `the ${peer.noun} at ${url} did not accept the connection within ${within} (--timeout)`, true)
        : delivered || payload === undefined
          ? new AttemptFailure('PUSH_TIMEOUT', `the ${peer.noun} at ${url} did not answer within ${within} (--timeout)`, payload === undefined, delivered)
          : peer.resendable
            ? new AttemptFailure('PUSH_TIMEOUT', `the ${peer.noun} at ${url} did not take the whole body within ${within} (--timeout)`, true)
            : new AttemptFailure(
                'PUSH_TIMEOUT',
                `the gateway at ${url} did not take the whole body within ${within} (--timeout); the upload was cut inside a line, which the gateway refuses, and was not sent again: raise --timeout for a file this large`,
                false,
              );
      request.destroy(failure);
    }), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      settled = true;
      reject(error instanceof AttemptFailure ? error : describeNetworkError(error as NodeJS.ErrnoException, url, peer));
    });
    request.on('response', (response) => {
      settled = true;
      const chunks: Buffer[] = [];
      let size = 0;
      // A GET answered 200 is the document asked for (a gateway's group list), kept whole;
      // any other answer only needs enough of its body to show the reason.
      const bodyLimit = method === 'GET' && response.statusCode === 200 ? Number.POSITIVE_INFINITY : MAX_ERROR_BODY;
      response.on('data', (chunk: Buffer) => {
        if (size < bodyLimit) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        clearTimeout(timer);
        const retryAfter = response.headers['retry-after'];
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          body: Buffer.concat(chunks).toString('utf8').slice(0, bodyLimit),
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          location: response.headers.location,
          contentType: response.headers['content-type'],
        });
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error instanceof AttemptFailure ? error : describeNetworkError(error as NodeJS.ErrnoException, url, peer));
      });
    });
    writeBody(request, payload);
  });
}

/**
 * Writes the chunks as the socket takes them, without a stream between (cheaper to set up).
 * A body of one chunk, which is most pushes, goes out with a Content-Length in one write, headers
 * included; a larger one goes out chunked while the rest is rendered.
 */
function writeBody(request: http.ClientRequest, payload: RequestBody | undefined): void {
  if (payload === undefined) {
    request.end();
    return;
  }
  const chunks = payload.chunks()[Symbol.iterator]();
  const first = chunks.next();
  if (first.done === true) {
    request.setHeader('content-length', '0');
    request.end();
    return;
  }
  let next = chunks.next();
  if (next.done === true) {
    request.setHeader('content-length', String(first.value.length));
    request.end(first.value);
    return;
  }
  request.write(first.value);
  const writeMore = (): void => {
    for (; next.done !== true; next = chunks.next()) {
      if (!request.write(next.value)) {
        next = chunks.next();
        request.once('drain', writeMore);
        return;
      }
    }
    request.end();
  };
  writeMore();
}

/** Counts the plain text's bytes as they are rendered: a gateway's ingest time grows with them. */
function counted(body: RequestBody, plain: { bytes: number }): RequestBody {
  return {
    ...body,
    *chunks() {
      plain.bytes = 0;
      for (const chunk of body.chunks()) {
        plain.bytes += chunk.length;
        yield chunk;
      }
    },
  };
}

async function gzipped(body: RequestBody, plain: { bytes: number }): Promise<RequestBody> {
  const compressed: Buffer[] = [];
  const gzip = createGzip();
  gzip.on('data', (chunk: Buffer) => compressed.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  Readable.from(counted(body, plain).chunks()).pipe(gzip);
  await done;
  return { ...body, chunks: () => compressed };
}

interface ReadBackContext {
  readonly method: HttpMethod;
  readonly url: string;
  readonly path: string;
  readonly attempt: number;
  readonly attempts: number;
  readonly attemptStarted: number;
  readonly failure: AttemptFailure;
  readonly transport: TransportOptions;
  readonly bodyBytes: number;
}

/**
 * The whole body went up and the answer did not come in time: the gateway may be storing it right
 * now. Instead of sending it again, read the group's push time back until it shows the push, a
 * refusal, or the window (long enough for a slow gateway to ingest this body) closes.
 */
async function confirmByReadBack(get: (timeoutMs: number) => Promise<PushTimeLines>, context: ReadBackContext): Promise<{ readBack: string }> {
  const { method, url, attempt, attempts, attemptStarted, failure, transport } = context;
  const windowMs = readBackWindowMs(transport.timeoutMs, context.bodyBytes);
  // The gateway takes its push time after parsing the body, so a push of this attempt is newer than its start.
  const outcome = await readBackPush(get, groupOfPath(context.path), attemptStarted, { windowMs, minGetTimeoutMs: transport.timeoutMs });
  const elapsedMs = Date.now() - attemptStarted;
  const noAnswer = `${failure.message} after receiving the whole body`;
  if (outcome.kind === 'stored') {
    const readBack = `${noAnswer}, but reading the group back shows it stored the push at ${outcome.at.toISOString()}; it was not sent again`;
    transport.onAttempt?.({ attempt, attempts, method, url, problem: failure.message, elapsedMs, readBack });
    return { readBack };
  }
  transport.onAttempt?.({ attempt, attempts, method, url, problem: failure.message, elapsedMs });
  if (outcome.kind === 'refused') {
    throw new CsvPushError(
      'PUSH_REFUSED',
      `${noAnswer}; reading the group back shows it refused the push at ${outcome.at.toISOString()} (push_failure_time_seconds): check the body with --dry-run | promtool check metrics`,
    );
  }
  const notSent = 'it was not sent again, so that the gateway does not ingest it twice; check the group before pushing again, and raise --timeout for files this large';
  if (outcome.kind === 'not-stored') {
    throw new CsvPushError('PUSH_TIMEOUT', `${noAnswer}, and reading the group back for ${formatSeconds(outcome.checkedForMs)} more found no new push: it may still be stored later; ${notSent}`);
  }
  throw new CsvPushError('PUSH_TIMEOUT', `${noAnswer}, and the group could not be read back (${outcome.reason}): it may have been stored; ${notSent}`);
}

/**
 * GETs the gateway's /metrics with the push's own headers and TLS settings (a secured gateway
 * guards it too), keeping only the push-time lines: the rest may be many megabytes.
 */
function getPushTimeLines(client: HttpModule, agent: http.Agent, base: URL, pushHeaders: Record<string, string>, timeoutMs: number): Promise<PushTimeLines> {
  const url = displayUrl(base, '/metrics');
  const headers: Record<string, string> = { ...pushHeaders, accept: 'text/plain' };
  delete headers['content-type'];
  delete headers['content-encoding'];
  return new Promise((resolve, reject) => {
    // The timed-out push's connection is destroyed by now, so the agent (which holds the TLS settings) is free.
    const request = client.request(requestOptions(base, '/metrics', 'GET', headers, agent));
    const timer = setTimeout(() => request.destroy(new Error(`no answer from ${url} within ${formatSeconds(timeoutMs)}`)), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error.message.startsWith('no answer') ? error : new Error(describeNetworkError(error as NodeJS.ErrnoException, url, GATEWAY_PEER).message));
    });
    request.on('response', (response) => {
      const lines: string[] = [];
      let partial = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) if (PUSH_TIME_PREFIXES.some((prefix) => line.startsWith(prefix))) lines.push(line);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, lines, date: response.headers.date });
      });
    });
    request.end();
  });
}

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

function describeNetworkError(error: NodeJS.ErrnoException, url: string, peer: Peer): AttemptFailure {
  const { noun } = peer;
  const code = error.code ?? '';
  if (TLS_UNTRUSTED.has(code)) {
    return new AttemptFailure('TLS', `the ${noun}'s certificate is not trusted (${code}) at ${url}: pass --ca-file with the CA that signed it`, false);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new AttemptFailure('TLS', `the ${noun}'s certificate does not name the host in ${url}: use the host name the certificate was issued for`, false);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new AttemptFailure('TLS', `the ${noun}'s certificate is not valid now (${code}) at ${url}: renew it on the ${noun}`, false);
  }
  if (/certificate required|alert handshake failure|alert bad certificate/i.test(error.message ?? '')) {
    return new AttemptFailure('TLS', `the ${noun} at ${url} refused the TLS handshake; it may demand a client certificate: pass --cert-file and --key-file`, false);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(error.message ?? '')) {
    return new AttemptFailure('TLS', `the ${noun} at ${url} does not speak TLS: use http:// instead of https://`, false);
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: `connection refused; is the ${noun} running there? Set ${peer.urlOption}`,
    ENOTFOUND: `host not found; check the host name in ${peer.urlOption}`,
    EAI_AGAIN: 'host name lookup failed for now',
    ECONNRESET: `the connection was reset before the ${noun} answered`,
    EPIPE: 'the connection was closed while sending',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  const reason = reasons[code] ?? (code === '' ? error.message : `${code}: ${error.message}`);
  return new AttemptFailure('PUSH_UNREACHABLE', `cannot reach the ${noun} at ${url}: ${reason}`, true);
}

function refusal(method: HttpMethod, url: string, answer: RawAnswer, tried: string, address: GatewayAddress, peer: Peer): CsvPushError {
  const option = peer.urlOption.split(' ')[0];
  const reason = refusalReason(answer, peer);
  const hints: Record<number, string> = {
    401: 'check the credentials (user info in the URL, or PUSHGATEWAY_USERNAME and PUSHGATEWAY_PASSWORD)',
    403: 'the credentials are not allowed to push there',
    404: option === '--gateway' ? 'check the path prefix in --gateway' : `check the path in ${option}`,
    405: `the ${peer.noun} does not accept this method there; check ${option}`,
  };
  const redirect =
    answer.status >= 300 && answer.status < 400 && answer.location !== undefined
      ? `it redirects to ${safeLocation(answer.location, address)}; point ${option} there`
      : undefined;
  const hint = redirect ?? hints[answer.status];
  const text = [
    `the ${peer.noun} refused ${method} ${url} with HTTP ${answer.status}${answer.statusText === '' ? '' : ` ${answer.statusText}`}${tried}`,
    reason === '' ? undefined : reason,
    hint,
  ]
    .filter((part) => part !== undefined)
    .join(': ');
  return new CsvPushError('PUSH_REFUSED', text, { status: answer.status });
}

/** The gateway's own reason as it is; an HTML page or a long answer of another kind cut short, saying so. */
function refusalReason(answer: RawAnswer, peer: Peer): string {
  const text = answer.body.replace(/\s+/g, ' ').trim();
  const notTheGateway =
    peer === GATEWAY_PEER
      ? "not a Pushgateway's reason; the URL may not be a Pushgateway, check --gateway"
      : `not a ${peer.noun}'s reason; the URL may not be one, check ${peer.urlOption}`;
  if (/html/i.test(answer.contentType ?? '') || /^<(!doctype|html|\?xml|head|body)\b/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    const gist = title === undefined || title === '' ? shortened(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim(), OTHER_ANSWER_SHOWN) : title;
    return `the answer is an HTML page (${gist}), ${notTheGateway}`;
  }
  const fromGo = /^text\/plain; charset=utf-8$/i.test(answer.contentType ?? '');
  if (text.length <= (fromGo ? GATEWAY_REASON_MAX : OTHER_ANSWER_SHOWN * 2)) return text;
  if (fromGo) return `${shortened(text, GATEWAY_REASON_MAX)} (${text.length} characters in all)`;
  return `the answer is ${text.length} characters (${shortened(text, OTHER_ANSWER_SHOWN)}), ${notTheGateway}`;
}

function shortened(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

function safeLocation(location: string, address: GatewayAddress): string {
  try {
    const target = new URL(location, address.base);
    return displayUrl(target);
  } catch {
    return 'another address';
  }
}

function backoffDelay(attempt: number, transport: TransportOptions, retryAfter: string | undefined): number {
  const maxMs = transport.maxBackoffMs ?? 30_000;
  const asked = parseRetryAfter(retryAfter);
  if (asked !== undefined) return Math.min(asked, maxMs);
  const exponential = (transport.backoffMs ?? 500) * 2 ** (attempt - 1);
  // Jitter keeps many cron jobs that failed together from retrying together.
  return Math.min(maxMs, exponential * (0.5 + Math.random() * 0.5));
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
