import type * as http from 'node:http';
import { usageError } from '../errors.js';

// Requests through an HTTP proxy: plain http as absolute-URI requests to the proxy, https through
// a CONNECT tunnel with TLS from csv-push to the gateway (the proxy sees only ciphertext, and the
// gateway's certificate is verified as without a proxy). The agents come from http-proxy-agent and
// https-proxy-agent; they are loaded only when a request goes through a proxy.

/**
 * Picks the proxy for a request to a URL, or none. The CLI builds it from --proxy and the
 * environment (see src/cli/proxy-choice.ts); a library user may pass any function.
 */
export type ProxyFor = (target: URL) => URL | undefined;

/** TLS settings for the gateway, which the proxy agent applies inside the tunnel. */
export interface TunnelTls {
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly rejectUnauthorized: boolean;
}

/** A proxy URL given by the user, checked: only http:// and https:// proxies can carry these requests. */
export function parseProxyUrl(text: string, source: string): URL {
  const trimmed = text.trim();
  // curl and every other tool take `host:port` as an http:// proxy.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`${source} is not a URL; give it as http://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${source}: ${url.protocol.replace(/:$/, '')} proxies are not supported; give an http:// (or https://) proxy`);
  }
  return url;
}

/** The proxy as it may be shown: scheme, host and port, never its user and password. */
export function proxyDisplay(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** The proxy an agent made here sends through, if it does (both agent classes expose it as `proxy`). */
export function proxyOfAgent(agent: http.Agent): URL | undefined {
  const proxy = (agent as { proxy?: unknown }).proxy;
  return proxy instanceof URL ? proxy : undefined;
}

/** An agent that sends every request to `target`'s origin through `proxy`. */
export async function proxyAgent(target: URL, proxy: URL, tls: TunnelTls): Promise<http.Agent> {
  const pooling = { keepAlive: true, maxSockets: 1 };
  if (target.protocol === 'http:') {
    const { HttpProxyAgent } = await import('http-proxy-agent');
    return new HttpProxyAgent(proxy, pooling);
  }
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  const gatewayTls = {
    ...(tls.ca === undefined ? {} : { ca: tls.ca as (string | Buffer)[] }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: tls.rejectUnauthorized,
  };
  // https-proxy-agent takes the TLS options for the gateway from each request's options, not from
  // its own (those are for reaching the proxy), so they are added to every connect here.
  type Connect = InstanceType<typeof HttpsProxyAgent<string>>['connect'];
  class TunnelAgent extends HttpsProxyAgent<string> {
    override connect(request: Parameters<Connect>[0], options: Parameters<Connect>[1]): ReturnType<Connect> {
      return super.connect(request, { ...options, ...gatewayTls });
    }
  }
  return new TunnelAgent(proxy, pooling);
}

/**
 * Failures to reach the proxy itself. Through a proxy every connection goes to the proxy, so an
 * error on connecting is the proxy's, and naming the gateway would send the user the wrong way.
 */
const PROXY_CONNECT_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the proxy running there?)',
  ENOTFOUND: "host not found; check the proxy's host name",
  EAI_AGAIN: "the proxy's host name could not be looked up for now",
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
};

/** What to say when the proxy could not be reached, or undefined when the error is not about reaching it. */
export function proxyConnectProblem(code: string | undefined, proxy: URL, url: string): string | undefined {
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    // tinyproxy, for one, answers a wrong proxy password and closes at once; the unread body then
    // resets the connection, and Node 24 may see the reset before the answer.
    return `the proxy at ${proxyDisplay(proxy)} closed the connection before an answer came for ${url}: check the proxy's user and password in its URL, and that it lets requests through to that host and port`;
  }
  const reason = PROXY_CONNECT_REASONS[code ?? ''];
  if (reason === undefined) return undefined;
  return `cannot reach the proxy at ${proxyDisplay(proxy)}: ${reason}; check --proxy, or HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (or run with --no-proxy)`;
}

/** A proxy that answered for itself: 407 is always its own refusal; other answers may be the gateway's, passed on. */
export function proxyRefusal(status: number, proxy: URL): string | undefined {
  if (status !== 407) return undefined;
  return `the proxy at ${proxyDisplay(proxy)} refused the request with HTTP 407 Proxy Authentication Required: put the proxy's user and password in the proxy URL (http://user:password@host:port)`;
}
