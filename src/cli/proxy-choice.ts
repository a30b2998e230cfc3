import { parseProxyUrl, type ProxyFor } from '../transport/proxy.js';

// Which proxy a request takes, as command-line HTTP tools decide it:
// - `--proxy URL` sends every request of the run through URL (curl's -x);
// - `--no-proxy` or `--proxy ''` sends every request directly (curl's --noproxy '*' and -x '');
// - otherwise the environment: https_proxy / HTTPS_PROXY for https URLs, http_proxy / HTTP_PROXY
//   for http URLs, then all_proxy / ALL_PROXY; lower case wins over upper case, as in curl;
//   NO_PROXY / no_proxy lists hosts to reach directly.
// The variables are read and NO_PROXY is matched by proxy-from-env, which reads process.env.

/** Every variable that can name a proxy, lower case first (the one that wins). */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const;

/**
 * The proxy chooser for a run, or undefined when every request goes directly. proxy-from-env
 * is loaded only when a variable names a proxy: most runs have none, and start-up counts.
 */
export async function proxyChooser(option: string | boolean | undefined, env: NodeJS.ProcessEnv): Promise<ProxyFor | undefined> {
  if (option === false || option === '') return undefined;
  if (typeof option === 'string') {
    const proxy = parseProxyUrl(option, '--proxy');
    return () => proxy;
  }
  if (!PROXY_VARIABLES.some((name) => nonEmpty(env[name]))) return undefined;
  const { getProxyForUrl } = await import('proxy-from-env');
  return (target) => {
    const chosen = getProxyForUrl(target);
    if (chosen === '') return undefined;
    return parseProxyUrl(withCurlScheme(chosen, target, env), 'the proxy in HTTPS_PROXY, HTTP_PROXY or ALL_PROXY');
  };
}

/**
 * proxy-from-env gives a proxy written without a scheme the scheme of the request, so
 * `https_proxy=proxy:3128` would become https://proxy:3128; curl, Python and Go take it as an
 * http:// proxy, which it almost always is. This puts http:// back.
 */
function withCurlScheme(chosen: string, target: URL, env: NodeJS.ProcessEnv): string {
  const invented = `${target.protocol}//`;
  if (!chosen.startsWith(invented)) return chosen;
  const bare = chosen.slice(invented.length);
  const typedBare = PROXY_VARIABLES.some((name) => env[name]?.trim() === bare);
  return typedBare ? `http://${bare}` : chosen;
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
