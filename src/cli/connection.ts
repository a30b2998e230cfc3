import { Option, type Command } from 'commander';
import type { AttemptEvent, TransportOptions } from '../index.js';
import { timeoutSeconds, wholeNumber } from './option-values.js';
import type { Reporter } from './output.js';

// How every command reaches the gateway: its address, time limits, credentials and TLS.

export interface ConnectionCliOptions {
  gateway?: string;
  timeout: number;
  retries: number;
  username?: string;
  passwordFile?: string;
  bearerTokenFile?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure?: boolean;
  /** --proxy URL, or false for --no-proxy. */
  proxy?: string | boolean;
}

export function gatewayOption(env: NodeJS.ProcessEnv): Option {
  return new Option('-g, --gateway <url>', 'Pushgateway URL; host:port means http').default(env.PUSHGATEWAY_URL || 'http://localhost:9091');
}

/** Options after --gateway; `-H` values go to `httpHeaders` (the push command's --no-header shares commander's attribute). */
export function addTransportOptions(command: Command, httpHeaders: string[]): Command {
  return command
    .option('--timeout <seconds>', 'time limit of each attempt, connect included; a request ends within (retries + 1) x this + the waits between attempts + 0.5 s (so --retries 0: --timeout + 0.5 s), a push\'s read-back included', timeoutSeconds('--timeout'), 10)
    .option('--retries <n>', 'extra attempts on network errors, timeouts and HTTP 429, 500, 502, 503, 504', wholeNumber('--retries'), 2)
    .option('--username <name>', 'basic-auth user (default: $PUSHGATEWAY_USERNAME); the password comes from --password-file or $PUSHGATEWAY_PASSWORD')
    .option('--password-file <path>', 'file holding the basic-auth password')
    .option('--bearer-token-file <path>', 'file holding a bearer token (default: $PUSHGATEWAY_BEARER_TOKEN)')
    .option('-H, --header <header>', 'extra HTTP header "Name: value"; repeatable', (value) => {
      httpHeaders.push(value);
      return undefined;
    })
    .option('--ca-file <pem>', "CA certificate(s) to trust for the gateway's TLS certificate")
    .option('--cert-file <pem>', 'client certificate for mutual TLS (with --key-file)')
    .option('--key-file <pem>', 'private key of the client certificate')
    .option('--insecure', "skip verifying the gateway's TLS certificate (warns on every run)")
    .option('--proxy <url>', 'send every request through this HTTP proxy (https goes through CONNECT, still verified end to end); default: $HTTPS_PROXY, $HTTP_PROXY, $ALL_PROXY, minus $NO_PROXY; e.g. --proxy http://proxy.corp:3128')
    .option('--no-proxy', 'send every request directly, whatever the *_PROXY variables say (like --proxy \'\')');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Reads the secret files and the environment into transport options; secrets never reach the reporter. */
export async function transportFromOptions(
  options: ConnectionCliOptions,
  httpHeaders: readonly string[],
  env: NodeJS.ProcessEnv,
  reporter: Reporter,
  /** Who is at the other end, for the --insecure warning. */
  peer = 'gateway',
  /** The process environment, for the proxy variables and the trust store's (`env` may be emptied for remote write). */
  processEnv: NodeJS.ProcessEnv = env,
): Promise<TransportOptions> {
  // Loaded only for a destination reached over the network: --textfile never reads these.
  const [library, { proxyChooser }] = await Promise.all([import('../transport/transport-files.js'), import('./proxy-choice.js')]);
  const secrets = await library.readTransportSecrets({
    username: options.username ?? nonEmpty(env.PUSHGATEWAY_USERNAME),
    password: nonEmpty(env.PUSHGATEWAY_PASSWORD),
    passwordFile: options.passwordFile,
    bearerToken: nonEmpty(env.PUSHGATEWAY_BEARER_TOKEN),
    bearerTokenFile: options.bearerTokenFile,
    caFile: options.caFile,
    certFile: options.certFile,
    keyFile: options.keyFile,
    insecure: options.insecure,
  });
  if (options.insecure) reporter.alwaysWarn(`--insecure: the ${peer}'s TLS certificate is not verified; anyone in between can read and change the ${peer === 'gateway' ? 'push' : 'data'}`);
  return {
    timeoutMs: options.timeout * 1000,
    retries: options.retries,
    headers: Object.fromEntries(httpHeaders.map(library.parseHeader)),
    credentials: secrets.credentials,
    bearerToken: secrets.bearerToken,
    tls: secrets.tls,
    onAttempt: (event: AttemptEvent) => reporter.attempt(event),
    proxyFor: await proxyChooser(options.proxy, processEnv),
    trust: { NODE_EXTRA_CA_CERTS: processEnv.NODE_EXTRA_CA_CERTS, SSL_CERT_FILE: processEnv.SSL_CERT_FILE },
  };
}
