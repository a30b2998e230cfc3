import { CsvPushError } from '../errors.js';
import { displayUrl, type GatewayAddress } from './gateway-url.js';
import { GATEWAY_PEER, type HttpMethod, type Peer } from './options.js';
import { proxyConnectProblem, proxyDisplay, proxyRefusal } from './proxy.js';

// What an attempt came to, in words a user can act on: a network error, a TLS problem, or the
// peer's refusal with its own reason and a hint.

export interface RawAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly retryAfter: string | undefined;
  readonly location: string | undefined;
  readonly contentType: string | undefined;
}

/** An attempt that ended without an HTTP answer, with what to tell the user and whether to try again. */
export class AttemptFailure extends Error {
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

/**
 * The Pushgateway answers a refusal with Go's `http.Error`: `text/plain; charset=utf-8`, a reason of
 * one line that stays under a few hundred characters, except for clashes listing every series
 * (three took 698 characters). An answer of another kind that is long comes from something else.
 */
const GATEWAY_REASON_MAX = 1000;
const OTHER_ANSWER_SHOWN = 200;

const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

/** `proxy`: the proxy the request went through, if any; a failure to reach it names it, not the peer. */
export function describeNetworkError(error: NodeJS.ErrnoException, url: string, peer: Peer, proxy: URL | undefined): AttemptFailure {
  const { noun } = peer;
  const code = error.code ?? '';
  const unreachableProxy = proxy === undefined ? undefined : proxyConnectProblem(code, proxy, url);
  if (unreachableProxy !== undefined) return new AttemptFailure('PUSH_UNREACHABLE', unreachableProxy, true);
  if (TLS_UNTRUSTED.has(code)) {
    return new AttemptFailure('TLS', `the ${noun}'s certificate is not trusted (${code}) at ${url}: pass --ca-file with the CA that signed it, or add that CA to the system trust store`, false);
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

/** `proxy`: the proxy the request went through, if any; its own 407 names it, and other answers say they came through it. */
export function refusal(method: HttpMethod, url: string, answer: RawAnswer, tried: string, address: GatewayAddress, peer: Peer, proxy: URL | undefined): CsvPushError {
  const byProxy = proxy === undefined ? undefined : proxyRefusal(answer.status, proxy);
  if (byProxy !== undefined) return new CsvPushError('PUSH_REFUSED', `${byProxy}${tried}`, { status: answer.status });
  const through = proxy === undefined ? '' : ` (through the proxy at ${proxyDisplay(proxy)})`;
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
  // Some proxies (tinyproxy) answer a wrong proxy password with 401 rather than 407.
  const proxyHint = proxy !== undefined && answer.status === 401 ? ", or the proxy's user and password in its URL" : '';
  const hint = redirect ?? (hints[answer.status] === undefined ? undefined : `${hints[answer.status]}${proxyHint}`);
  const text = [
    `the ${peer.noun} refused ${method} ${url}${through} with HTTP ${answer.status}${answer.statusText === '' ? '' : ` ${answer.statusText}`}${tried}`,
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
  const html = htmlGist(answer);
  if (html !== undefined) return `the answer is ${html}, ${notTheGateway}`;
  const fromGo = /^text\/plain; charset=utf-8$/i.test(answer.contentType ?? '');
  if (text.length <= (fromGo ? GATEWAY_REASON_MAX : OTHER_ANSWER_SHOWN * 2)) return text;
  if (fromGo) return `${shortened(text, GATEWAY_REASON_MAX)} (${text.length} characters in all)`;
  return `the answer is ${text.length} characters (${shortened(text, OTHER_ANSWER_SHOWN)}), ${notTheGateway}`;
}

/** `an HTML page (Node Exporter)`, when the answer is one: its title, or the start of its text. */
function htmlGist(answer: Pick<RawAnswer, 'body' | 'contentType'>): string | undefined {
  const text = answer.body.replace(/\s+/g, ' ').trim();
  if (!/html/i.test(answer.contentType ?? '') && !/^<(!doctype|html|\?xml|head|body)\b/i.test(text)) return undefined;
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const gist = title === undefined || title === '' ? shortened(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim(), OTHER_ANSWER_SHOWN) : title;
  return `an HTML page (${gist})`;
}

/** What an answer carried, in a few words: `an HTML page (title)`, `212 characters of text/plain ("...")`, or `an empty body`. */
export function answerGist(answer: Pick<RawAnswer, 'body' | 'contentType'>): string {
  const html = htmlGist(answer);
  if (html !== undefined) return html;
  const text = answer.body.replace(/\s+/g, ' ').trim();
  if (text === '') return 'an empty body';
  const kind = answer.contentType === undefined ? '' : ` of ${answer.contentType.split(';')[0]?.trim()}`;
  return `${text.length} characters${kind} (${JSON.stringify(shortened(text, OTHER_ANSWER_SHOWN))})`;
}

/**
 * A Pushgateway (1.5 to 1.11 read) answers a push or a delete it took with 200 (its consistency
 * check on) or 202 (off), and an empty body; a remote-write receiver with 204 (Prometheus,
 * VictoriaMetrics) or 200 (Mimir, Thanos), and an empty body. Any other success comes from
 * something else at that URL, such as node_exporter answering every path with its HTML page:
 * nothing was stored, however much it says 200. A GET is judged by the document it asked for.
 */
export function notThePeer(method: HttpMethod, url: string, answer: RawAnswer, peer: Peer): CsvPushError | undefined {
  if (method === 'GET') return undefined;
  const statuses = peer === GATEWAY_PEER ? [200, 202] : [200, 202, 204];
  if (statuses.includes(answer.status) && answer.body.trim() === '') return undefined;
  const what = peer === GATEWAY_PEER ? 'a Pushgateway' : `a ${peer.noun}`;
  const expected = peer === GATEWAY_PEER ? 'a Pushgateway answers with 200 or 202 and an empty body' : 'a receiver answers with 204 or 200 and an empty body';
  return new CsvPushError(
    'GATEWAY_ANSWER',
    `${url} answered ${method} with HTTP ${answer.status}${answer.statusText === '' ? '' : ` ${answer.statusText}`} and ${answerGist(answer)}, but is not ${what} (${expected}); nothing was stored there: check ${peer.urlOption}`,
    { status: answer.status },
  );
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

export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
