import { readFileSync } from 'node:fs';
import { usageError } from '../errors.js';
import type { BasicCredentials } from './gateway-url.js';
import type { TlsOptions } from './http-client.js';

/** Secrets and certificates come from files or the environment, never from flags that `ps` would show. */
export interface TransportSecretsInput {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly passwordFile?: string | undefined;
  readonly bearerToken?: string | undefined;
  readonly bearerTokenFile?: string | undefined;
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly insecure?: boolean | undefined;
}

export interface TransportSecrets {
  readonly credentials: BasicCredentials | undefined;
  readonly bearerToken: string | undefined;
  readonly tls: TlsOptions | undefined;
}

async function readOptionFile(path: string, option: string): Promise<Buffer> {
  try {
    // Synchronous: these files are small, and node:fs/promises costs start-up.
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw usageError(`${option} ${path}: ${reason}; check the path`);
  }
}

/** A secret file holds the secret and perhaps a final newline that editors add. */
async function readSecretFile(path: string, option: string): Promise<string> {
  const text = (await readOptionFile(path, option)).toString('utf8').replace(/\r?\n$/, '');
  if (text === '') throw usageError(`${option} ${path} is empty`);
  return text;
}

export async function readTransportSecrets(input: TransportSecretsInput): Promise<TransportSecrets> {
  const password = input.passwordFile !== undefined ? await readSecretFile(input.passwordFile, '--password-file') : input.password;
  if (input.username !== undefined && password === undefined) {
    throw usageError('a username is set but no password: set PUSHGATEWAY_PASSWORD or pass --password-file');
  }
  if (password !== undefined && input.username === undefined) {
    throw usageError('a password is set but no username: set PUSHGATEWAY_USERNAME or pass --username');
  }
  const credentials = input.username !== undefined && password !== undefined ? { username: input.username, password } : undefined;
  const bearerToken =
    input.bearerTokenFile !== undefined ? await readSecretFile(input.bearerTokenFile, '--bearer-token-file') : input.bearerToken;
  if (credentials !== undefined && bearerToken !== undefined) {
    throw usageError('both basic-auth credentials and a bearer token are set; give one way of authenticating');
  }
  if ((input.certFile === undefined) !== (input.keyFile === undefined)) {
    throw usageError('--cert-file and --key-file go together: mutual TLS needs the certificate and its key');
  }
  const tls: TlsOptions = {
    ...(input.caFile === undefined ? {} : { ca: await readOptionFile(input.caFile, '--ca-file') }),
    ...(input.certFile === undefined ? {} : { cert: await readOptionFile(input.certFile, '--cert-file') }),
    ...(input.keyFile === undefined ? {} : { key: await readOptionFile(input.keyFile, '--key-file') }),
    ...(input.insecure === true ? { insecure: true } : {}),
  };
  return { credentials, bearerToken, tls: Object.keys(tls).length === 0 ? undefined : tls };
}

/** Parses one `--header "Name: value"`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw usageError(`--header must look like "Name: value" (got a header without a valid name)`);
  }
  return [name, text.slice(colon + 1).trim()];
}
