import type * as fs from 'node:fs';
import { requireBuiltin } from '../node-builtins.js';

// Not imported: an import of node:fs reads its lazy parts (fs.promises, its streams) at once (node-builtins.ts).
const { readFileSync } = requireBuiltin('node:fs') as typeof fs;

// What an https connection trusts by default: Node's bundled Mozilla roots, the certificates in
// NODE_EXTRA_CA_CERTS, and the system's trust store, which is where a company's CA is put
// (/usr/local/share/ca-certificates + update-ca-certificates on Debian and Ubuntu,
// update-ca-trust on Fedora and RHEL). curl and Python's ssl module trust that store; Node trusts
// it only with --use-system-ca, which a user of an npm package does not pass. Passing `ca`
// replaces Node's defaults, NODE_EXTRA_CA_CERTS included, so all three are passed together.

/** Where the trust settings come from: the environment the CLI was started in. */
export interface TrustEnvironment {
  /** Node's own variable; Node 20 reads it only for connections that name no `ca`, so it is read here again. */
  readonly NODE_EXTRA_CA_CERTS?: string | undefined;
  /** OpenSSL's variable for the system bundle, honoured by curl's OpenSSL builds, Python and Node's system store. */
  readonly SSL_CERT_FILE?: string | undefined;
}

/**
 * The system bundles of Linux distributions, in the order Go's crypto/x509 (root_linux.go) tries
 * them: the first that exists is the system store.
 */
export const SYSTEM_BUNDLE_FILES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Gentoo, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL 6
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7
  '/etc/ssl/cert.pem', // Alpine
];

type GetCaCertificates = (type: 'default' | 'system') => string[];

const cache = new Map<string, readonly string[]>();

/**
 * Every certificate trusted by default, as PEM texts for the `ca` option. Node 22.15+ and 23.10+
 * have `tls.getCACertificates('system')` (the same store `--use-system-ca` loads); Node 20 has
 * neither, so there the system bundle file is read the way OpenSSL, curl and Go find it.
 */
export async function defaultTrustedCertificates(env: TrustEnvironment = {}): Promise<readonly string[]> {
  const key = `${env.NODE_EXTRA_CA_CERTS ?? ''}\0${env.SSL_CERT_FILE ?? ''}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const tls = await import('node:tls');
  const getCaCertificates = (tls as { getCACertificates?: GetCaCertificates }).getCACertificates;
  const trusted =
    getCaCertificates !== undefined
      ? // 'default' is the bundled roots plus NODE_EXTRA_CA_CERTS (plus the system store under --use-system-ca).
        [...getCaCertificates('default'), ...getCaCertificates('system')]
      : [...tls.rootCertificates, ...pemFile(env.NODE_EXTRA_CA_CERTS), ...systemBundle(env.SSL_CERT_FILE)];
  cache.set(key, trusted);
  return trusted;
}

function systemBundle(sslCertFile: string | undefined): string[] {
  if (sslCertFile !== undefined && sslCertFile !== '') return pemFile(sslCertFile);
  for (const path of SYSTEM_BUNDLE_FILES) {
    const pem = pemFile(path);
    if (pem.length > 0) return pem;
  }
  return [];
}

/** A missing or unreadable bundle adds nothing, as with OpenSSL: the other roots still apply. */
function pemFile(path: string | undefined): string[] {
  if (path === undefined || path === '') return [];
  try {
    const text = readFileSync(path, 'latin1');
    return text.includes('-----BEGIN CERTIFICATE-----') ? [text] : [];
  } catch {
    return [];
  }
}
