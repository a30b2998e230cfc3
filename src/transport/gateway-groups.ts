import { CsvPushError } from '../errors.js';
import type { GroupingLabel } from './gateway-url.js';
import { answerGist, describeNetworkError, formatSeconds, type RawAnswer } from './answers.js';
import { displayUrl } from './gateway-url.js';
import { GATEWAY_PEER } from './options.js';
import { proxyOfAgent } from './proxy.js';
import { requestOptions, type Connection } from './request.js';

// Reading back what the Pushgateway holds, group by group: the one reader that `groups`, `prune`
// and the read-back after a timed-out push use. Two views of the same groups:
// - `/api/v1/metrics` (JSON) for a listing: every group with its labels, series and push times;
// - `/metrics` (text) for the read-back of push times alone: it comes faster, and it is scanned
//   line by line as it arrives, keeping only the push-time lines, where the JSON would be held
//   and parsed whole, however many series the gateway holds.

/** Where the gateway lists its groups as JSON. */
export const GROUPS_PATH = '/api/v1/metrics';

/** One group the gateway holds, as its `/api/v1/metrics` JSON describes it. */
export interface GatewayGroupInfo {
  /** Every grouping label, job included. */
  readonly labels: Readonly<Record<string, string>>;
  readonly job: string;
  /** The grouping labels besides job, by name: with the job, the key that deletes the group. */
  readonly groupingLabels: readonly GroupingLabel[];
  /** Samples in the group, leaving out the gateway's own push_time_seconds and push_failure_time_seconds. */
  readonly series: number;
  /** The last successful push; undefined when no push to the group ever succeeded. */
  readonly lastPushAt: Date | undefined;
  /** Time since the last successful push when the list was read; undefined when there was none. */
  readonly ageMs: number | undefined;
  readonly lastFailureAt: Date | undefined;
  /** True when the latest push to the group was refused (the gateway keeps the previous metrics). */
  readonly lastPushFailed: boolean;
}

const GATEWAY_OWN_METRICS = new Set(['push_time_seconds', 'push_failure_time_seconds']);

/**
 * The groups in the answer to GET GROUPS_PATH, sorted by job and labels; throws when it is not the
 * gateway's list: `{"status":"success","data":[{"labels":{"job":...},...},...]}` (api/v1 from 1.0
 * to 1.11), every group with its labels. JSON of another shape would otherwise read as no groups.
 */
export function groupsFromJson(body: string, readAt: number, url: string, answer?: Pick<RawAnswer, 'body' | 'contentType'>): GatewayGroupInfo[] {
  let parsed: { status?: unknown; data?: unknown } | undefined;
  try {
    parsed = JSON.parse(body) as { status?: unknown; data?: unknown };
  } catch {
    parsed = undefined;
  }
  const data = parsed?.status === 'success' ? parsed.data : undefined;
  const isGroup = (group: unknown): group is ApiGroup =>
    typeof group === 'object' && group !== null && isStringRecord((group as { labels?: unknown }).labels);
  if (!Array.isArray(data) || !data.every(isGroup)) {
    const sent = answer === undefined ? '' : `: it sent ${answerGist(answer)}`;
    throw new CsvPushError(
      'GATEWAY_ANSWER',
      `${url} answered, but not with the Pushgateway's JSON list of groups${sent}; the URL is not a Pushgateway (v1.0 or later): check --gateway`,
    );
  }
  return data.map((group) => groupInfo(group, readAt)).sort(byJobAndLabels);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((field) => typeof field === 'string');
}

interface ApiFamily {
  readonly metrics?: readonly { readonly value?: string }[];
}

interface ApiGroup {
  readonly labels: Record<string, string>;
  readonly last_push_successful?: boolean;
  readonly [metric: string]: unknown;
}

function groupInfo(group: ApiGroup, readAt: number): GatewayGroupInfo {
  const labels = group.labels;
  let series = 0;
  for (const [name, family] of Object.entries(group)) {
    if (name === 'labels' || name === 'last_push_successful' || GATEWAY_OWN_METRICS.has(name)) continue;
    series += (family as ApiFamily).metrics?.length ?? 0;
  }
  const lastPushAt = gatewayTime(group.push_time_seconds as ApiFamily | undefined);
  return {
    labels,
    job: labels.job ?? '',
    groupingLabels: Object.keys(labels)
      .filter((name) => name !== 'job')
      .sort()
      .map((name) => ({ name, value: labels[name] ?? '' })),
    series,
    lastPushAt,
    ageMs: lastPushAt === undefined ? undefined : Math.max(0, readAt - lastPushAt.getTime()),
    lastFailureAt: gatewayTime(group.push_failure_time_seconds as ApiFamily | undefined),
    lastPushFailed: group.last_push_successful === false,
  };
}

/** The gateway's own timestamps are gauges in Unix seconds, 0 meaning "never". */
function gatewayTime(family: ApiFamily | undefined): Date | undefined {
  const seconds = Number(family?.metrics?.[0]?.value ?? 0);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(Math.round(seconds * 1000)) : undefined;
}

function byJobAndLabels(a: GatewayGroupInfo, b: GatewayGroupInfo): number {
  return groupKeyText(a) < groupKeyText(b) ? -1 : groupKeyText(a) > groupKeyText(b) ? 1 : 0;
}

/** `job="x", instance="y"`: how groups are named in every message. */
export function groupKeyText(group: Pick<GatewayGroupInfo, 'job' | 'groupingLabels'>): string {
  return [{ name: 'job', value: group.job }, ...group.groupingLabels].map(({ name, value }) => `${name}=${JSON.stringify(value)}`).join(', ');
}

export const PUSH_TIME_PREFIXES = ['push_time_seconds{', 'push_failure_time_seconds{'] as const;

export interface PushTimeLines {
  readonly status: number;
  /** The lines of /metrics that start with one of PUSH_TIME_PREFIXES. */
  readonly lines: readonly string[];
  /** The gateway's `Date` header, to allow for a clock that differs from ours. */
  readonly date: string | undefined;
}

/** The grouping key a `/metrics/job/<job>{/<name>/<value>}` path names, `@base64` values decoded. */
export function groupOfPath(path: string): Record<string, string> {
  const segments = path.replace(/^\/metrics\//, '').split('/');
  const group: Record<string, string> = {};
  for (let index = 0; index + 1 < segments.length; index += 2) {
    const name = segments[index] ?? '';
    const value = segments[index + 1] ?? '';
    if (name.endsWith('@base64')) group[name.slice(0, -'@base64'.length)] = value === '=' ? '' : Buffer.from(value, 'base64url').toString('utf8');
    else group[name] = decodeURIComponent(value);
  }
  return group;
}

const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;

/** `name{a="x",b="y"} 1.7e+09` into its labels (unescaped) and value; undefined if it is not that. */
function parseSampleLine(line: string): { labels: Record<string, string>; value: number } | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = line.indexOf('{') + 1;
  for (let match = LABEL.exec(line); match !== null; match = LABEL.exec(line)) {
    labels[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, (_escape, char: string) => (char === 'n' ? '\n' : char));
    if (line[LABEL.lastIndex] === '}') break;
  }
  if (line[LABEL.lastIndex] !== '}') return undefined;
  return { labels, value: Number(line.slice(LABEL.lastIndex + 1).trim().split(/\s+/)[0]) };
}

/** The group's push_time_seconds and push_failure_time_seconds, in ms. */
export function pushTimes(lines: readonly string[], group: Record<string, string>): { pushedMs: number; failedMs: number } | undefined {
  let times: { pushedMs: number; failedMs: number } | undefined;
  for (const line of lines) {
    const sample = parseSampleLine(line);
    if (sample === undefined || !sameGroup(sample.labels, group)) continue;
    times ??= { pushedMs: 0, failedMs: 0 };
    if (line.startsWith(PUSH_TIME_PREFIXES[0])) times.pushedMs = sample.value * 1000;
    else times.failedMs = sample.value * 1000;
  }
  return times;
}

/** The gateway adds an empty `instance` to every group, and treats an empty label value as no label. */
function sameGroup(series: Record<string, string>, group: Record<string, string>): boolean {
  const present = (labels: Record<string, string>) =>
    Object.entries(labels).filter(([, value]) => value !== '').sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify(present(series)) === JSON.stringify(present(group));
}

/**
 * GETs the gateway's /metrics with the push's own headers and TLS settings (a secured gateway
 * guards it too), keeping only the push-time lines: the rest may be many megabytes.
 */
export function getPushTimeLines({ client, agent }: Connection, base: URL, pushHeaders: Record<string, string>, timeoutMs: number): Promise<PushTimeLines> {
  const url = displayUrl(base, '/metrics');
  const headers: Record<string, string> = { ...pushHeaders, accept: 'text/plain' };
  delete headers['content-type'];
  delete headers['content-encoding'];
  return new Promise((resolve, reject) => {
    // The timed-out push's connection is destroyed by now, so the agent (which holds the TLS settings) is free.
    const request = client.request(requestOptions(base, '/metrics', 'GET', headers, agent));
    const timer = setTimeout(() => request.destroy(new Error(`no answer from ${url} within ${formatSeconds(timeoutMs)}`)), timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error.message.startsWith('no answer') ? error : new Error(describeNetworkError(error as NodeJS.ErrnoException, url, GATEWAY_PEER, proxyOfAgent(agent)).message));
    });
    request.on('response', (response) => {
      const lines: string[] = [];
      let partial = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) if (PUSH_TIME_PREFIXES.some((prefix) => line.startsWith(prefix))) lines.push(line);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, lines, date: response.headers.date });
      });
    });
    request.end();
  });
}

