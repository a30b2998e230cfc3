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
 * http:// proxy, which it almost always is. The library's answer is kept as it is unless the
 * variable it read (the same precedence: <scheme>_proxy in lower, then upper case, then
 * all_proxy) was written without a scheme; then that value gets http:// instead. Only the
 * library's public getProxyForUrl is used; it has no option for this.
 */
function withCurlScheme(chosen: string, target: URL, env: NodeJS.ProcessEnv): string {
  const scheme = target.protocol.replace(/:$/, '');
  const read = env[`${scheme}_proxy`] || env[`${scheme.toUpperCase()}_PROXY`] || env.all_proxy || env.ALL_PROXY || '';
  if (read.includes('://') || chosen !== `${scheme}://${read}`) return chosen;
  return `http://${read}`;
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
