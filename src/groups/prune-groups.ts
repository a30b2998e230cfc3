import { CsvPushError, usageError } from '../errors.js';
import { DEFAULT_GATEWAY, displayUrl, groupingPath, parseGatewayUrl, type GatewayAddress, type GroupingLabel } from '../transport/gateway-url.js';
import { transportWithDefaults, type TransportOptions } from '../transport/options.js';
import { pushTimes } from '../transport/gateway-groups.js';
import { readPushTimeLines, sendToGateway } from '../transport/send.js';
import { matchesFilter, readGroups, validateGroupFilter, type GatewayGroupInfo, type ListGroupsOptions } from './list-groups.js';

export interface PruneOptions extends ListGroupsOptions {
  /** Required: groups whose last successful push is older than this (or never was) are deleted. */
  readonly olderThanMs: number;
  /** List what would be deleted, deleting nothing. */
  readonly dryRun?: boolean | undefined;
  /** Called after each group is dealt with, so a caller can show progress. */
  readonly onOutcome?: ((outcome: PruneOutcome) => void) | undefined;
}

export interface PruneOutcome {
  readonly group: GatewayGroupInfo;
  /** True once the gateway answered the DELETE with 200 or 202; always false in a dry run. */
  readonly deleted: boolean;
  /** Why the DELETE failed, when it did. */
  readonly error?: CsvPushError;
  /**
   * Why the group was left alone although it matched the listing: re-read right before its
   * DELETE, it showed a push newer than the listing (`pushed-again`, at `pushedAgainAt`), or it
   * was no longer there (`gone`).
   */
  readonly kept?: 'pushed-again' | 'gone';
  readonly pushedAgainAt?: Date;
}

export interface PruneReport {
  readonly gateway: string;
  readonly dryRun: boolean;
  readonly olderThanMs: number;
  /** Every stale group that matched the filter, and what became of it. */
  readonly outcomes: readonly PruneOutcome[];
  /** Every group the gateway held before the prune. */
  readonly total: number;
  /** The filter besides the age: the job and grouping labels a group must have, when given. */
  readonly job: string | undefined;
  readonly labels: readonly GroupingLabel[];
  readonly durationMs: number;
}

/**
 * Deletes the groups that match the filter and were last pushed longer ago than `olderThanMs`,
 * one DELETE per group with its exact grouping key. A failed DELETE does not stop the others;
 * the report lists each outcome. The gateway has no conditional delete, so right before each
 * DELETE the group's push time is read again (its /metrics push-time lines) and a group pushed
 * since the listing is kept: a push can still land in the time between that re-read and the
 * DELETE, one round trip to the gateway, and is then deleted with the group.
 */
export async function pruneGroups(options: PruneOptions): Promise<PruneReport> {
  const started = Date.now();
  if (options.olderThanMs === undefined) throw usageError('prune needs --older-than, e.g. --older-than 7d: it never deletes groups of every age');
  validateGroupFilter(options);
  const address = parseGatewayUrl(options.gateway ?? DEFAULT_GATEWAY);
  const transport = transportWithDefaults(options.transport);
  const all = await readGroups(address, transport);
  const outcomes: PruneOutcome[] = [];
  for (const group of all.filter((candidate) => matchesFilter(candidate, options))) {
    const outcome = options.dryRun === true ? { group, deleted: false } : await pruneOne(group, address, transport);
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return {
    gateway: displayUrl(address.base),
    dryRun: options.dryRun === true,
    olderThanMs: options.olderThanMs,
    outcomes,
    total: all.length,
    job: options.job,
    labels: options.labels ?? [],
    durationMs: Date.now() - started,
  };
}

/** Re-reads the group's push time, then deletes it unless it was pushed since the listing. */
async function pruneOne(group: GatewayGroupInfo, address: GatewayAddress, transport: TransportOptions): Promise<PruneOutcome> {
  try {
    const now = await readPushTimeLines(address, transport);
    if (now.status !== 200) {
      throw new CsvPushError('GATEWAY_ANSWER', `could not re-read the group's push time before deleting it (HTTP ${now.status} from /metrics); it was not deleted`);
    }
    const times = pushTimes(now.lines, group.labels);
    if (times === undefined) return { group, deleted: false, kept: 'gone' };
    // The listing's time came through JSON and this one through text: allow for rounding.
    if (times.pushedMs > (group.lastPushAt?.getTime() ?? 0) + 1) return { group, deleted: false, kept: 'pushed-again', pushedAgainAt: new Date(times.pushedMs) };
    await sendToGateway(address, 'DELETE', groupingPath(group.job, group.groupingLabels), undefined, transport);
    return { group, deleted: true };
  } catch (error) {
    if (error instanceof CsvPushError) return { group, deleted: false, error };
    if (error instanceof Error) return { group, deleted: false, error: new CsvPushError('PUSH_UNREACHABLE', `${error.message}; it was not deleted`) };
    throw error;
  }
}
