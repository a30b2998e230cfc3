// One place that keeps secrets out of everything csv-push prints: stderr lines, --verbose
// traces and the --json summary all pass through a Redactor before they are written.

const HIDDEN = '***';

/** Header names whose values are credentials: sent with -H, or echoed back in a gateway's or proxy's error page. */
export const SECRET_HEADER_NAME = /auth|token|secret|passw|cookie|session|api-?key|signature/i;

/** `scheme://userinfo@`: the userinfo ends at the last `@` before the path, so `@` and `:` inside it are covered. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;

/**
 * `Authorization: Basic xyz`, `"x-api-key":"xyz"`, `cookie=xyz` in a server's answer. Narrower
 * than SECRET_HEADER_NAME, so that prose such as "401 Unauthorized: denied" stays readable.
 */
const SECRET_HEADER_IN_TEXT =
  /\b((?:proxy-)?authorization|(?:set-)?cookie|[\w-]*(?:token|secret|passw(?:or)?d|api-?key|session)[\w-]*)("?\s*[:=]\s*"?)(?:(?:basic|bearer|token|digest)\s+)?[^\s"'<>,;&]+/gi;

export class Redactor {
  /** Every form a secret may take in a line of output, longest first when applied. */
  private readonly forms = new Set<string>();

  /** Registers a secret value; its URL-encoded and JSON-escaped forms are hidden too. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret === '') return;
    this.forms.add(secret);
    this.forms.add(encodeURIComponent(secret));
    this.forms.add(JSON.stringify(secret).slice(1, -1));
  }

  /** Basic-auth credentials: the password, and the base64 form that travels in the Authorization header. */
  addBasic(username: string, password: string): void {
    this.add(password);
    const pair = Buffer.from(`${username}:${password}`, 'utf8');
    this.add(pair.toString('base64'));
    this.add(pair.toString('base64url'));
  }

  /**
   * The user info of a gateway URL as typed. A URL that does not parse (a password with a raw `/`,
   * for one) is taken to end its user info at its last `@`, so nothing of it can be printed.
   * Says whether the URL held a secret.
   */
  addUrlUserInfo(text: string | undefined): boolean {
    if (text === undefined) return false;
    const trimmed = text.trim();
    try {
      const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
      if (url.password !== '') {
        this.add(url.password);
        this.addBasic(safeDecode(url.username), safeDecode(url.password));
        this.add(safeDecode(url.password));
      }
      return url.password !== '';
    } catch {
      const userInfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(.*)@/is.exec(trimmed)?.[1];
      if (userInfo === undefined) return false;
      const colon = userInfo.indexOf(':');
      this.add(colon === -1 ? userInfo : userInfo.slice(colon + 1));
      this.add(userInfo);
      return true;
    }
  }

  redact(text: string): string {
    let result = text;
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) result = result.split(form).join(HIDDEN);
    return result.replace(URL_USERINFO, `$1${HIDDEN}@`).replace(SECRET_HEADER_IN_TEXT, `$1$2${HIDDEN}`);
  }

  /** JSON text whose every string has been redacted (before escaping, so escaped forms cannot slip through). */
  json(value: unknown): string {
    return JSON.stringify(value, (_key, field: unknown) => (typeof field === 'string' ? this.redact(field) : field));
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Secrets known before any option is parsed, so that even commander's messages cannot show them. */
export function redactorForEnvironment(env: NodeJS.ProcessEnv): Redactor {
  const redactor = new Redactor();
  redactor.add(env.PUSHGATEWAY_PASSWORD);
  redactor.add(env.PUSHGATEWAY_BEARER_TOKEN);
  if (env.PUSHGATEWAY_USERNAME !== undefined && env.PUSHGATEWAY_PASSWORD !== undefined) {
    redactor.addBasic(env.PUSHGATEWAY_USERNAME, env.PUSHGATEWAY_PASSWORD);
  }
  redactor.addUrlUserInfo(env.PUSHGATEWAY_URL);
  return redactor;
}

function isCredentialHeader(header: string): boolean {
  const colon = header.indexOf(':');
  return colon !== -1 && SECRET_HEADER_NAME.test(header.slice(0, colon));
}

/** The value of an `-H "Name: value"` whose name says it is a credential; a malformed one may be a pasted token. */
export function secretHeaderValue(header: string): string | undefined {
  const colon = header.indexOf(':');
  if (colon === -1) return header.trim();
  return isCredentialHeader(header) ? header.slice(colon + 1).trim() : undefined;
}

/** Anyone on the machine can read a command line with `ps`: what to say, even with -q, and what to use instead. */
export function commandLineSecretWarnings(httpHeaders: readonly string[], passwordInGatewayOption: boolean, passwordInProxyOption = false): string[] {
  const warnings: string[] = [];
  if (passwordInGatewayOption) {
    warnings.push('--gateway carries a password on the command line, where `ps` shows it to every user of this machine; set PUSHGATEWAY_URL instead, or use --username with --password-file');
  }
  if (passwordInProxyOption) {
    warnings.push('--proxy carries a password on the command line, where `ps` shows it to every user of this machine; set HTTPS_PROXY (or HTTP_PROXY) in the environment instead');
  }
  if (httpHeaders.some(isCredentialHeader)) {
    warnings.push('a credential header given with -H is on the command line, where `ps` shows it to every user of this machine; use --bearer-token-file or PUSHGATEWAY_BEARER_TOKEN instead');
  }
  return warnings;
}

/**
 * A proxy's user and password, from the *_PROXY variables and from --proxy (read from the raw
 * arguments, so that even commander's messages cannot show them): proxy-agent sends them as a
 * Proxy-Authorization header, and a proxy's error page may echo that back.
 */
export function addProxyUserInfo(redactor: Redactor, env: NodeJS.ProcessEnv, argv: readonly string[]): void {
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY']) redactor.addUrlUserInfo(env[name]);
  argv.forEach((argument, index) => {
    if (argument === '--proxy') redactor.addUrlUserInfo(argv[index + 1]);
    else if (argument.startsWith('--proxy=')) redactor.addUrlUserInfo(argument.slice('--proxy='.length));
  });
}
