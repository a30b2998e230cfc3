import type { BasicCredentials } from './gateway-url.js';
import type { ProxyFor } from './proxy.js';
import type { TrustEnvironment } from './system-ca.js';

// What a caller tells the transport, and who is at the other end: types and defaults only, so
// that the destinations and the CLI can name them without loading node:http.

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
  /** PEM text of CAs to trust in addition to the default ones (Node's bundled roots, NODE_EXTRA_CA_CERTS and the system store). */
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
  /** The proxy for each request (push, delete, read-back, remote write, groups, prune); none when absent. */
  readonly proxyFor?: ProxyFor;
  /** Where the default trust store's settings come from (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE). */
  readonly trust?: TrustEnvironment;
}

const DEFAULT_TRANSPORT: TransportOptions = { timeoutMs: 10_000, retries: 2 };

/** The caller's transport options over the defaults; an option left undefined keeps its default. */
export function transportWithDefaults(transport: Partial<TransportOptions> | undefined): TransportOptions {
  const given = Object.fromEntries(Object.entries(transport ?? {}).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_TRANSPORT, ...given };
}
