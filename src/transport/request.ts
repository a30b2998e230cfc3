import type * as http from 'node:http';
import type * as https from 'node:https';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { usageError } from '../errors.js';
import { requireBuiltin } from '../node-builtins.js';
import { AttemptFailure, describeNetworkError, formatSeconds, type RawAnswer } from './answers.js';
import type { GatewayAddress } from './gateway-url.js';
import type { HttpMethod, Peer, RequestBody, TransportOptions } from './options.js';
import { proxyAgent, proxyOfAgent } from './proxy.js';

// One HTTP request: its headers, its connection (TLS), its body, and one attempt bounded by the timeout.

const MAX_ERROR_BODY = 64 * 1024;

// Not imported: an import of node:http loads undici on Node.js 22 and later (node-builtins.ts).
const httpModule = requireBuiltin('node:http') as typeof http;

type HttpModule = Pick<typeof http, 'request'> | Pick<typeof https, 'request'>;

/** What every request to one peer goes through: the http or https module and an agent holding the TLS settings. */
export interface Connection {
  readonly client: HttpModule;
  readonly agent: http.Agent;
}

export function requestHeaders(address: GatewayAddress, transport: TransportOptions, body: RequestBody | undefined, gzip: boolean): Record<string, string> {
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

/**
 * node:https, and the system trust store's reader, are loaded only for https gateways: most pushes
 * go to plain http, and they cost start-up. The proxy agents are loaded only when a request goes through a proxy (proxy.ts).
 */
export async function connectionFor(base: URL, transport: TransportOptions): Promise<Connection> {
  const tls = transport.tls;
  const proxy = transport.proxyFor?.(base);
  if (base.protocol === 'http:') {
    return { client: httpModule, agent: proxy === undefined ? new httpModule.Agent({ keepAlive: true, maxSockets: 1 }) : await proxyAgent(base, proxy, { rejectUnauthorized: true }) };
  }
  const [https, { defaultTrustedCertificates }] = await Promise.all([import('node:https'), import('./system-ca.js')]);
  const insecure = tls?.insecure === true;
  // --ca-file adds to the default trust instead of replacing it, so a company CA given for one
  // gateway cannot stop the public roots and the system store from working (docs/proxy-and-trust.md).
  const ca = insecure ? undefined : [...(await defaultTrustedCertificates(transport.trust)), ...(tls?.ca === undefined ? [] : [tls.ca])];
  const tunnelTls = {
    ...(ca === undefined ? {} : { ca }),
    ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls?.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: !insecure,
  };
  const agent = proxy === undefined ? new https.Agent({ keepAlive: true, maxSockets: 1, ...tunnelTls }) : await proxyAgent(base, proxy, tunnelTls);
  return { client: https, agent };
}

/** Every request's options, built here alone: the one place that decides how a request reaches its peer. */
export function requestOptions(base: URL, path: string, method: string, headers: Record<string, string>, agent: http.Agent): http.RequestOptions {
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

export function attemptOnce(
  { client, agent }: Connection,
  base: URL,
  method: HttpMethod,
  path: string,
  headers: Record<string, string>,
  payload: RequestBody | undefined,
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
      reject(error instanceof AttemptFailure ? error : describeNetworkError(error as NodeJS.ErrnoException, url, peer, proxyOfAgent(agent)));
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
        reject(error instanceof AttemptFailure ? error : describeNetworkError(error as NodeJS.ErrnoException, url, peer, proxyOfAgent(agent)));
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
export function counted(body: RequestBody, plain: { bytes: number }): RequestBody {
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

export async function gzipped(body: RequestBody, plain: { bytes: number }): Promise<RequestBody> {
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

