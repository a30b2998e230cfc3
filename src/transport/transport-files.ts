import type * as fs from 'node:fs';
import { requireBuiltin } from '../node-builtins.js';
import { usageError } from '../errors.js';
import type { BasicCredentials } from './gateway-url.js';
import type { TlsOptions } from './options.js';

// Not imported: an import of node:fs reads its lazy parts (fs.promises, its streams) at once (node-builtins.ts).
const { readFileSync } = requireBuiltin('node:fs') as typeof fs;

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

/**
 * Why a text cannot be an HTTP header value, if it cannot: Node refuses control characters and
 * anything outside Latin-1 only when the request is made, which would look like a crash.
 */
function headerValueProblem(value: string): string | undefined {
  if (/[\r\n]/.test(value)) return 'has a line break inside; it must be one line';
  const bad = /[^\t\x20-\x7e\x80-\xff]/.exec(value);
  if (bad === null) return undefined;
  const codePoint = bad[0].codePointAt(0) ?? 0;
  const what = codePoint < 0x20 || codePoint === 0x7f ? 'a control character' : 'a character outside Latin-1';
  return `has ${what} at position ${bad.index + 1}, which HTTP headers cannot carry; use ASCII (percent-encode it if the receiver decodes that)`;
}

function checkBearerToken(token: string, source: string): string {
  const problem = headerValueProblem(token) ?? (/\s/.test(token) ? 'has a space inside; a bearer token is one word' : undefined);
  if (problem !== undefined) throw usageError(`the bearer token from ${source} ${problem}`);
  return token;
}

/** Certificates and keys are checked when read, so a wrong file is a usage error naming it, not a failed handshake. */
async function checkPem(tls: TlsOptions, files: { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined }): Promise<void> {
  const crypto = await import('node:crypto');
  const certificates = (pem: Buffer, option: string, path: string | undefined): void => {
    const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    try {
      if (blocks.length === 0) throw new Error('no "BEGIN CERTIFICATE" block');
      for (const block of blocks) new crypto.X509Certificate(block);
    } catch (error) {
      throw usageError(`${option} ${path}: not a PEM certificate (${(error as Error).message}); pass the PEM file, e.g. one made by openssl x509 -outform PEM`);
    }
  };
  if (tls.ca !== undefined) certificates(Buffer.from(tls.ca), '--ca-file', files.caFile);
  if (tls.cert !== undefined) certificates(Buffer.from(tls.cert), '--cert-file', files.certFile);
  if (tls.key !== undefined) {
    try {
      crypto.createPrivateKey(tls.key);
    } catch (error) {
      throw usageError(`--key-file ${files.keyFile}: not an unencrypted PEM private key (${(error as Error).message}); pass the key file without a passphrase`);
    }
  }
  if (tls.cert !== undefined && tls.key !== undefined) {
    const { createSecureContext } = await import('node:tls');
    try {
      createSecureContext({ cert: tls.cert, key: tls.key });
    } catch {
      throw usageError(`--key-file ${files.keyFile} is not the key of --cert-file ${files.certFile}; pass the key made with that certificate`);
    }
  }
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
    input.bearerTokenFile !== undefined
      ? checkBearerToken(await readSecretFile(input.bearerTokenFile, '--bearer-token-file'), `--bearer-token-file ${input.bearerTokenFile}`)
      : input.bearerToken === undefined
        ? undefined
        : checkBearerToken(input.bearerToken, 'PUSHGATEWAY_BEARER_TOKEN');
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
  if (tls.ca !== undefined || tls.cert !== undefined) await checkPem(tls, input);
  return { credentials, bearerToken, tls: Object.keys(tls).length === 0 ? undefined : tls };
}

/** Parses one `--header "Name: value"`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw usageError(`--header must look like "Name: value" (got a header without a valid name)`);
  }
  const value = text.slice(colon + 1).trim();
  const problem = headerValueProblem(value);
  if (problem !== undefined) throw usageError(`--header ${name}: the value ${problem}`);
  return [name, value];
}
