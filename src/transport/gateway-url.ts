import { usageError } from '../errors.js';
import type { GroupingLabel } from '../report.js';
import { isValidLabelName } from '../metrics/names.js';

// Defined beside the report, which names it too, so that the report needs nothing of the transport.
export type { GroupingLabel } from '../report.js';

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

export interface GatewayAddress {
  /** Scheme, host, port and any path prefix, without credentials and without a trailing slash. */
  readonly base: URL;
  /** User info found in the URL, moved out so it never reaches a log line. */
  readonly credentials: BasicCredentials | undefined;
}

export const DEFAULT_GATEWAY = 'http://localhost:9091';

/** Accepts `host:port`, `http(s)://[user:pass@]host[:port][/prefix]`; `option` names it in messages. */
export function parseGatewayUrl(text: string, option = '--gateway'): GatewayAddress {
  const trimmed = text.trim();
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    const hint = trimmed.includes('@')
      ? '; a password with / @ # or ? must be percent-encoded there (%2F %40 %23 %3F), or better given with PUSHGATEWAY_PASSWORD or --password-file'
      : '';
    throw usageError(`${option} "${redactUserInfo(trimmed)}" is not a URL; use host:port or http://host:port${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${option} must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  const credentials =
    url.username !== '' || url.password !== ''
      ? { username: decodeUserInfo(url.username), password: decodeUserInfo(url.password) }
      : undefined;
  const base = new URL(url.origin);
  base.pathname = url.pathname.replace(/\/+$/, '');
  return { base, credentials };
}

/** Display form of a gateway URL: never shows user info. */
export function displayUrl(base: URL, path = ''): string {
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
}

/** Everything up to the last `@` may be user info, when the URL does not parse: hide all of it. */
function redactUserInfo(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_all, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw usageError('--gateway has a user name or password with a stray %: write % as %25, or give the password with PUSHGATEWAY_PASSWORD or --password-file');
  }
}

/**
 * A grouping-key segment. Values the gateway cannot take as a plain path segment
 * (empty, containing `/`, or a dot segment a URL parser would collapse) use its
 * `name@base64/<url-safe base64>` form; `%2F` is decoded before routing and so fails.
 */
function groupingSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/') || value === '.' || value === '..') {
    return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  }
  return `${name}/${encodeURIComponent(value)}`;
}

/** `/metrics/job/<job>{/<label>/<value>}`, relative to the gateway's base path. */
export function groupingPath(job: string, labels: readonly GroupingLabel[]): string {
  return ['/metrics', groupingSegment('job', job), ...labels.map((label) => groupingSegment(label.name, label.value))].join('/');
}

/**
 * Checks a grouping key before anything is read or sent (a dry run may have no job); also `--job`
 * (optional there) and `--label` for the destinations that put them on every series.
 */
export function validateGroupingKey(job: string | undefined, labels: readonly GroupingLabel[]): void {
  if (job === '') throw usageError('--job cannot be empty; name the job the metrics belong to');
  const seen = new Set<string>();
  for (const { name } of labels) {
    if (name === 'job') throw usageError('--label job=... is not allowed; use --job');
    if (!isValidLabelName(name)) {
      throw usageError(`--label ${name}=...: "${name}" is not a valid label name (letters, digits and _, not starting with a digit or __)`);
    }
    if (seen.has(name)) throw usageError(`--label ${name} is given twice; give each grouping label once`);
    seen.add(name);
  }
}

/** Parses one `--label name=value`; the value may be empty or contain `=`. */
export function parseGroupingLabel(text: string): GroupingLabel {
  const equals = text.indexOf('=');
  if (equals <= 0) throw usageError(`--label "${text}" must look like name=value`);
  return { name: text.slice(0, equals).trim(), value: text.slice(equals + 1) };
}
