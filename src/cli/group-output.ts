import { formatAge, groupKeyText, type GatewayGroupInfo, type GroupsReport, type PruneOutcome, type PruneReport } from '../index.js';

import { plural } from './output.js';
import type { Redactor } from './redact.js';

// What `groups` and `prune` print: a table for people, one JSON object for programs.

export interface ErrorSummary {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
}

function timeText(date: Date | undefined): string {
  return date === undefined ? 'never' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Columns of fixed meaning first, the grouping key (any length) last, so the others line up. */
export function groupsTable(groups: readonly GatewayGroupInfo[]): string {
  const rows = [
    ['LAST PUSH', 'AGE', 'SERIES', 'LAST PUSH FAILED', 'GROUP'],
    ...groups.map((group) => [
      timeText(group.lastPushAt),
      group.ageMs === undefined ? '-' : formatAge(group.ageMs),
      String(group.series),
      group.lastPushFailed ? `yes, ${timeText(group.lastFailureAt)}` : 'no',
      groupKeyText(group),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((text, column) => (column === 2 ? text.padStart(widths[column] ?? 0) : column === row.length - 1 ? text : text.padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** ` matching job="x", env="y"` when the prune was given a job or labels. */
function filterText(report: PruneReport): string {
  const key = [...(report.job === undefined ? [] : [{ name: 'job', value: report.job }]), ...report.labels];
  return key.length === 0 ? '' : ` matching ${key.map(({ name, value }) => `${name}=${JSON.stringify(value)}`).join(', ')}`;
}

/** One sentence on what a prune did, for the terminal and the step summary alike: counts of the groups that matched, not of all. */
export function pruneHeadline(report: PruneReport, olderThan: string): string {
  const matched = `${plural(report.outcomes.length, 'group')}${filterText(report)} not pushed for ${olderThan}`;
  const onGateway = `(${plural(report.total, 'group')} on the gateway)`;
  if (report.dryRun) return `dry run: ${matched} would be deleted from ${report.gateway} ${onGateway}; nothing was deleted`;
  const failed = report.outcomes.filter((outcome) => outcome.error !== undefined).length;
  const deleted = report.outcomes.filter((outcome) => outcome.deleted).length;
  const pushedAgain = report.outcomes.filter((outcome) => outcome.kept === 'pushed-again').length;
  const gone = report.outcomes.filter((outcome) => outcome.kept === 'gone').length;
  return [
    `deleted ${deleted} of ${matched} from ${report.gateway} ${onGateway}`,
    pushedAgain > 0 ? `${pushedAgain} pushed again while prune ran, kept` : undefined,
    gone > 0 ? `${gone} already gone` : undefined,
    failed > 0 ? `${failed} could not be deleted` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join('; ');
}

export function pruneLine(outcome: PruneOutcome): string {
  const age = outcome.group.ageMs === undefined ? 'never pushed successfully' : `last push ${formatAge(outcome.group.ageMs)} ago`;
  if (outcome.kept === 'pushed-again') return `kept {${groupKeyText(outcome.group)}}: pushed again at ${timeText(outcome.pushedAgainAt)}, after prune listed it (${age})\n`;
  if (outcome.kept === 'gone') return `already gone {${groupKeyText(outcome.group)}}: deleted by someone else after prune listed it\n`;
  const verb = outcome.deleted ? 'deleted' : outcome.error === undefined ? 'would delete' : 'not deleted';
  return `${verb} {${groupKeyText(outcome.group)}} (${age}, ${outcome.group.series} series)\n`;
}

function groupJson(group: GatewayGroupInfo): Record<string, unknown> {
  return {
    job: group.job,
    labels: group.labels,
    series: group.series,
    lastPushAt: group.lastPushAt?.toISOString() ?? null,
    ageSeconds: group.ageMs === undefined ? null : group.ageMs / 1000,
    lastPushFailed: group.lastPushFailed,
    lastFailureAt: group.lastFailureAt?.toISOString() ?? null,
  };
}

/** The `groups --json` object, every string redacted on its own (a secret in a label value, too). */
export function groupsJson(report: GroupsReport | undefined, error: ErrorSummary | undefined, redactor: Pick<Redactor, 'json'>): string {
  return `${redactor.json({
    ok: error === undefined,
    action: 'groups',
    gateway: report?.gateway,
    total: report?.total,
    matched: report?.groups.length,
    groups: report?.groups.map(groupJson),
    durationMs: report?.durationMs,
    error,
  })}\n`;
}

/** The `prune --json` object, every string redacted on its own. */
export function pruneJson(report: PruneReport | undefined, error: ErrorSummary | undefined, redactor: Pick<Redactor, 'json'>): string {
  return `${redactor.json({
    ok: error === undefined && report?.outcomes.every((outcome) => outcome.error === undefined) === true,
    action: 'prune',
    dryRun: report?.dryRun,
    gateway: report?.gateway,
    olderThanSeconds: report === undefined ? undefined : report.olderThanMs / 1000,
    total: report?.total,
    matched: report?.outcomes.length,
    deleted: report?.outcomes.filter((outcome) => outcome.deleted).length,
    kept: report?.outcomes.filter((outcome) => outcome.kept !== undefined).length,
    failed: report?.outcomes.filter((outcome) => outcome.error !== undefined).length,
    groups: report?.outcomes.map((outcome) => ({
      ...groupJson(outcome.group),
      deleted: outcome.deleted,
      kept: outcome.kept,
      pushedAgainAt: outcome.pushedAgainAt?.toISOString(),
      error: outcome.error === undefined ? undefined : { code: outcome.error.code, message: outcome.error.message },
    })),
    durationMs: report?.durationMs,
    error,
  })}\n`;
}
