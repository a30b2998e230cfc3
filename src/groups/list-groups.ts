import { CsvPushError, usageError } from '../errors.js';
import { isValidLabelName } from '../metrics/names.js';
import { transportWithDefaults } from '../push-csv.js';
import { DEFAULT_GATEWAY, displayUrl, parseGatewayUrl, type GatewayAddress, type GroupingLabel } from '../push/gateway-url.js';
import { sendToGateway, type TransportOptions } from '../push/http-client.js';

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

export interface GroupFilter {
  readonly job?: string | undefined;
  /** Groups with all these grouping labels; an empty value matches a missing label, as in the gateway. */
  readonly labels?: readonly GroupingLabel[] | undefined;
  /** Groups whose last successful push is older than this, or that never had one. */
  readonly olderThanMs?: number | undefined;
}

export interface ListGroupsOptions extends GroupFilter {
  /** Default `http://localhost:9091`; `host:port` means http; a path prefix is kept. */
  readonly gateway?: string | undefined;
  readonly transport?: Partial<TransportOptions> | undefined;
}

export interface GroupsReport {
  /** The gateway's address without credentials. */
  readonly gateway: string;
  /** The groups that pass the filter, sorted by job and labels. */
  readonly groups: readonly GatewayGroupInfo[];
  /** Every group the gateway holds, matching or not. */
  readonly total: number;
  readonly durationMs: number;
}

const GATEWAY_OWN_METRICS = new Set(['push_time_seconds', 'push_failure_time_seconds']);

/** Checks a filter before anything is sent, so a typo does not quietly match nothing. */
export function validateGroupFilter(filter: GroupFilter): void {
  if (filter.job === '') throw usageError('--job cannot be empty; leave it out to match every job');
  const seen = new Set<string>();
  for (const { name } of filter.labels ?? []) {
    if (name === 'job') throw usageError('--label job=... is not a filter; use --job');
    if (!isValidLabelName(name)) throw usageError(`--label ${name}=...: "${name}" is not a valid label name`);
    if (seen.has(name)) throw usageError(`--label ${name} is given twice; a group has one value for each label`);
    seen.add(name);
  }
  if (filter.olderThanMs !== undefined && !(filter.olderThanMs > 0)) {
    throw usageError('--older-than must be longer than zero: zero would match every group');
  }
}

export function matchesFilter(group: GatewayGroupInfo, filter: GroupFilter): boolean {
  if (filter.job !== undefined && group.job !== filter.job) return false;
  if ((filter.labels ?? []).some((label) => (group.labels[label.name] ?? '') !== label.value)) return false;
  if (filter.olderThanMs !== undefined && group.ageMs !== undefined && group.ageMs <= filter.olderThanMs) return false;
  return true;
}

/** Reads every group from the gateway and keeps those the filter names. */
export async function listGroups(options: ListGroupsOptions): Promise<GroupsReport> {
  const started = Date.now();
  validateGroupFilter(options);
  const address = parseGatewayUrl(options.gateway ?? DEFAULT_GATEWAY);
  const all = await readGroups(address, transportWithDefaults(options.transport));
  return {
    gateway: displayUrl(address.base),
    groups: all.filter((group) => matchesFilter(group, options)),
    total: all.length,
    durationMs: Date.now() - started,
  };
}

export async function readGroups(address: GatewayAddress, transport: TransportOptions): Promise<GatewayGroupInfo[]> {
  const path = '/api/v1/metrics';
  const answer = await sendToGateway(address, 'GET', path, undefined, transport);
  const readAt = Date.now();
  let data: unknown;
  try {
    data = (JSON.parse(answer.body) as { data?: unknown }).data;
  } catch {
    data = undefined;
  }
  if (!Array.isArray(data)) {
    throw new CsvPushError(
      'GATEWAY_ANSWER',
      `${displayUrl(address.base, path)} did not answer with the Pushgateway's JSON list of groups; check that --gateway names a Pushgateway (v1.0 or later)`,
    );
  }
  return data.map((group) => groupInfo(group as ApiGroup, readAt)).sort(byJobAndLabels);
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
