import { CsvPushError, usageError } from '../errors.js';
import { AttemptFailure, formatSeconds, notThePeer, refusal, type RawAnswer } from './answers.js';
import { getPushTimeLines, type PushTimeLines } from './gateway-groups.js';
import { displayUrl, type GatewayAddress } from './gateway-url.js';
import { GATEWAY_PEER, type HttpMethod, type Peer, type RequestBody, type TransportOptions } from './options.js';
import { confirmByReadBack } from './read-back.js';
import { proxyOfAgent } from './proxy.js';
import { attemptOnce, connectionFor, counted, gzipped, requestHeaders } from './request.js';

// A request as a whole: attempts within --timeout, retries with backoff for what may heal, and
// the read-back instead of a resend when a push's answer did not come.

export interface GatewayAnswer {
  /** Undefined when no answer came and reading the group back showed the push stored. */
  readonly status: number | undefined;
  readonly body: string;
  readonly contentType: string | undefined;
  readonly attempts: number;
}

/** setTimeout fires after 1 ms for anything longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Answers that may heal by themselves: too many requests, and a gateway (or the proxy before it)
 * failing or overloaded for now. 501, 505 and the like say the server will never take this request.
 */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

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
  const connection = await connectionFor(address.base, transport);
  const attempts = transport.retries + 1;
  const started = Date.now();
  try {
    for (let attempt = 1; ; attempt++) {
      const attemptStarted = Date.now();
      let answer: RawAnswer | undefined;
      let failure: AttemptFailure | undefined;
      try {
        answer = await attemptOnce(connection, address.base, method, path, headers, payload, transport.timeoutMs, url, peer);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        failure = error;
      }
      if (failure?.code === 'PUSH_TIMEOUT' && failure.delivered && payload !== undefined && !peer.resendable) {
        const get = (getTimeoutMs: number) => getPushTimeLines(connection, address.base, headers, getTimeoutMs);
        const stored = await confirmByReadBack(get, { method, url, path, attempt, attempts, attemptStarted, failure, transport });
        return { status: undefined, body: '', contentType: undefined, attempts: attempt, ...stored };
      }
      const elapsedMs = Date.now() - attemptStarted;
      const status = answer?.status;
      // The Pushgateway answers 200 or 202, remote-write receivers 204; only with an empty body.
      if (status !== undefined && status >= 200 && status < 300) {
        transport.onAttempt?.({ attempt, attempts, method, url, status, elapsedMs });
        const wrongPeer = notThePeer(method, url, answer as RawAnswer, peer);
        if (wrongPeer !== undefined) throw wrongPeer;
        return { status, body: answer?.body ?? '', contentType: answer?.contentType, attempts: attempt };
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
        throw refusal(method, url, answer as RawAnswer, tried, address, peer, proxyOfAgent(connection.agent));
      }
      await sleep(retryInMs);
    }
  } finally {
    connection.agent.destroy();
  }
}

/** The push times the gateway shows now (the push-time lines of its /metrics), in one GET bounded by the timeout. */
export async function readPushTimeLines(address: GatewayAddress, transport: TransportOptions): Promise<PushTimeLines> {
  const headers = requestHeaders(address, transport, undefined, false);
  const connection = await connectionFor(address.base, transport);
  try {
    return await getPushTimeLines(connection, address.base, headers, transport.timeoutMs);
  } finally {
    connection.agent.destroy();
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

