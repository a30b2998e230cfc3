import { CsvPushError, usageError } from '../errors.js';
import { DEFAULT_GATEWAY, displayUrl, groupingPath, parseGatewayUrl } from '../transport/gateway-url.js';
import { transportWithDefaults } from '../transport/options.js';
import { sendToGateway } from '../transport/send.js';
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
}

export interface PruneReport {
  readonly gateway: string;
  readonly dryRun: boolean;
  readonly olderThanMs: number;
  /** Every stale group that matched the filter, and what became of it. */
  readonly outcomes: readonly PruneOutcome[];
  /** Every group the gateway held before the prune. */
  readonly total: number;
  readonly durationMs: number;
}

/**
 * Deletes the groups that match the filter and were last pushed longer ago than `olderThanMs`,
 * one DELETE per group with its exact grouping key. A failed DELETE does not stop the others;
 * the report lists each outcome. Nothing can make the gateway delete only if a group is still
 * stale, so a push that lands between the listing and the DELETE is deleted too: the window is
 * one request long.
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
    let outcome: PruneOutcome;
    if (options.dryRun === true) {
      outcome = { group, deleted: false };
    } else {
      try {
        await sendToGateway(address, 'DELETE', groupingPath(group.job, group.groupingLabels), undefined, transport);
        outcome = { group, deleted: true };
      } catch (error) {
        if (!(error instanceof CsvPushError)) throw error;
        outcome = { group, deleted: false, error };
      }
    }
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  }
  return {
    gateway: displayUrl(address.base),
    dryRun: options.dryRun === true,
    olderThanMs: options.olderThanMs,
    outcomes,
    total: all.length,
    durationMs: Date.now() - started,
  };
}
