// proxy-from-env ships no types; this is its one export (README: "getProxyForUrl").
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from the *_PROXY and NO_PROXY variables of process.env, or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
