import { usageError } from '../errors.js';
import { isValidLabelName } from '../metrics/names.js';
import { GROUPS_PATH, groupsFromJson, type GatewayGroupInfo } from '../transport/gateway-groups.js';
import { DEFAULT_GATEWAY, displayUrl, parseGatewayUrl, type GatewayAddress, type GroupingLabel } from '../transport/gateway-url.js';
import { transportWithDefaults, type TransportOptions } from '../transport/options.js';
import { sendToGateway } from '../transport/send.js';

export type { GatewayGroupInfo } from '../transport/gateway-groups.js';
export { groupKeyText } from '../transport/gateway-groups.js';

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

/** Every group the gateway holds, through the one reader of its groups. */
export async function readGroups(address: GatewayAddress, transport: TransportOptions): Promise<GatewayGroupInfo[]> {
  const answer = await sendToGateway(address, 'GET', GROUPS_PATH, undefined, transport);
  return groupsFromJson(answer.body, Date.now(), displayUrl(address.base, GROUPS_PATH), answer);
}
