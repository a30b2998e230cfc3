import { usageError } from '../errors.js';
import { expositionBody, type ExpositionBody } from '../metrics/body.js';
import { GATEWAY_OWN_METRICS } from '../metrics/names.js';
import type { CsvOptions } from '../pipeline/options.js';
import { rowsReport, type Landed } from '../pipeline/report.js';
import { prepareRun, sendPrepared } from '../pipeline/run.js';
import type { RunReport } from '../report.js';
import {
  DEFAULT_GATEWAY,
  displayUrl,
  groupingPath,
  parseGatewayUrl,
  validateGroupingKey,
  type GatewayAddress,
  type GroupingLabel,
} from '../transport/gateway-url.js';
import { transportWithDefaults, type TransportOptions } from '../transport/options.js';
import { sendToGateway } from '../transport/send.js';
import type { AttemptTally, DestinationEntry, RegistryDestination } from '../pipeline/destination.js';

// The Pushgateway: the whole file in one PUT or POST to the group's path; DELETE for --delete.

/** Extra grouping-key labels, in URL order: `[{ name: 'instance', value: 'web-1' }]` or `{ instance: 'web-1' }`. */
export type GroupingLabels = readonly GroupingLabel[] | Readonly<Record<string, string>>;

export interface GroupOptions {
  readonly job: string;
  /** Default `http://localhost:9091`; `host:port` means http; a path prefix is kept. */
  readonly gateway?: string;
  readonly groupingLabels?: GroupingLabels;
  readonly transport?: Partial<TransportOptions>;
}

export type PushMethod = 'put' | 'post' | 'PUT' | 'POST';

export interface PushCsvOptions extends GroupOptions, CsvOptions {
  /** `put` replaces the whole group; `post` replaces only the metrics with the same names. Any case. */
  readonly method?: PushMethod;
}

/** What preparePush takes: a push's options, where the job may be left out for a dry run (the body alone). */
export type PreparePushOptions = Omit<PushCsvOptions, 'job'> & { readonly job?: string | undefined };

/** A push read, checked and rendered, not yet sent: lets a caller report the rows' warnings first. */
export interface PreparedPush {
  /** The exposition text, rendered in UTF-8 chunks as they are taken. */
  readonly body: ExpositionBody;
  /** The report as it stands before sending: `pushed` is false. */
  readonly report: RunReport;
  readonly address: GatewayAddress;
  /** Undefined when no job was given: such a push can be shown but not sent. */
  readonly path: string | undefined;
  readonly method: 'PUT' | 'POST';
  readonly transport: Partial<TransportOptions> | undefined;
  readonly started: number;
}

function groupingLabelList(labels: GroupingLabels | undefined): readonly GroupingLabel[] {
  if (labels === undefined) return [];
  if (Array.isArray(labels)) return labels;
  return Object.entries(labels).map(([name, value]) => ({ name, value }));
}

/** The group's address; without a job (a dry run), there is no path to push to. */
function resolveGroup(
  options: Omit<GroupOptions, 'job'> & { readonly job?: string | undefined },
  forPush: boolean,
): { address: GatewayAddress; path: string | undefined; labels: readonly GroupingLabel[] } {
  const labels = groupingLabelList(options.groupingLabels);
  validateGroupingKey(options.job, labels);
  const empty = labels.find((label) => label.value === '');
  if (forPush && empty !== undefined) {
    // Deleting such a group stays possible: it may have been pushed by another client.
    throw usageError(
      `--label ${empty.name}= has an empty value: Prometheus takes that for no label at all, and a Pushgateway holding groups that differ only by it refuses every later push; give it a value, or leave the label out`,
    );
  }
  const address = parseGatewayUrl(options.gateway ?? DEFAULT_GATEWAY);
  return { address, path: options.job === undefined ? undefined : groupingPath(options.job, labels), labels };
}

function parseMethod(method: string | undefined): 'PUT' | 'POST' {
  const upper = (method ?? 'put').toUpperCase();
  if (upper !== 'PUT' && upper !== 'POST') throw usageError(`--method must be put or post, not "${String(method)}"`);
  return upper;
}

/** The transport's options with every attempt counted in `tally`. */
function counting(transport: Partial<TransportOptions> | undefined, tally: AttemptTally): TransportOptions {
  const merged = transportWithDefaults(transport);
  return {
    ...merged,
    onAttempt: (event) => {
      tally.attempts++;
      merged.onAttempt?.(event);
    },
  };
}

/** The Pushgateway as a destination: one request for the whole body, to the group's path. */
function pushgateway(options: PreparePushOptions, method: 'PUT' | 'POST'): RegistryDestination<ExpositionBody> & { address: GatewayAddress; path: string | undefined } {
  const { address, path, labels } = resolveGroup(options, true);
  return {
    action: 'push',
    // `job` and the grouping labels come from the grouping key.
    mapping: { groupingLabelNames: ['job', ...labels.map((label) => label.name)], reservedMetricNames: GATEWAY_OWN_METRICS },
    destined: { gateway: displayUrl(address.base), job: options.job, groupingLabels: labels, method },
    address,
    path,
    render: async (gauges) => expositionBody(await gauges.render(), gauges.contentType),
    send: sendingTo(address, method, path, options.transport),
  };
}

/** One request with the whole body to the group's path. */
function sendingTo(address: GatewayAddress, method: 'PUT' | 'POST', path: string | undefined, transport: Partial<TransportOptions> | undefined) {
  return async (body: ExpositionBody, tally: AttemptTally): Promise<Landed> => {
    if (path === undefined) throw usageError('a push needs a job (--job); only a dry run can go without one');
    const answer = await sendToGateway(address, method, path, body, counting(transport, tally));
    return { pushed: true, status: answer.status, attempts: tally.attempts };
  };
}

/** Reads the CSV sources and renders the exposition text a push would send, sending nothing. */
export async function preparePush(options: PreparePushOptions): Promise<PreparedPush> {
  // Date.now(), not performance.now(): milliseconds are all a report shows, and `performance`
  // loads a module on first use, which a 100-row run notices.
  const started = Date.now();
  const method = parseMethod(options.method);
  const prepared = await prepareRun(options, () => pushgateway(options, method), started);
  const { address, path } = prepared.destination;
  return { body: prepared.payload, report: prepared.report, address, path, method, transport: options.transport, started };
}

/** Sends a prepared push in one request; the report says `pushed` only when the gateway took it. */
export async function sendPush(prepared: PreparedPush): Promise<RunReport> {
  if (prepared.path === undefined) throw usageError('a push needs a job (--job); only a dry run can go without one');
  return sendPrepared(
    { payload: prepared.body, report: prepared.report, started: prepared.started },
    { action: 'push', send: sendingTo(prepared.address, prepared.method, prepared.path, prepared.transport) },
  );
}

/** Reads the CSV sources and pushes them to the gateway in one request. */
export async function pushCsv(options: PushCsvOptions): Promise<RunReport> {
  return sendPush(await preparePush(options));
}

/**
 * Deletes the whole group (job plus grouping labels) from the gateway. The gateway answers a
 * DELETE with 202 whether the group was there or not, so the groups are read first: a group that
 * is not there is left alone (`groupExisted: false`; nothing is sent that could delete a group
 * pushed meanwhile), which is success, as `rm -f` treats a missing file.
 */
export async function deleteGroup(options: GroupOptions): Promise<RunReport> {
  const started = Date.now();
  const { address, path, labels } = resolveGroup(options, false);
  const transport = transportWithDefaults(options.transport);
  // Loaded only for a delete: a push never lists the groups.
  const { readGroups } = await import('../groups/list-groups.js');
  const tally: AttemptTally = { attempts: 0 };
  const groups = await readGroups(address, counting(transport, tally));
  const key = nonEmpty({ job: options.job, ...Object.fromEntries(labels.map((label) => [label.name, label.value])) });
  const existed = groups.some((group) => nonEmpty(group.labels) === key);
  const answer = existed ? await sendToGateway(address, 'DELETE', path as string, undefined, counting(transport, tally)) : undefined;
  return {
    action: 'delete',
    files: [],
    gateway: displayUrl(address.base),
    job: options.job,
    groupingLabels: labels,
    method: 'DELETE',
    series: 0,
    samples: 0,
    metrics: [],
    ...rowsReport(undefined),
    pushed: true,
    groupExisted: existed,
    status: answer?.status,
    attempts: tally.attempts,
    durationMs: Math.round(Date.now() - started),
  };
}

/** A grouping key as text, its labels sorted: the gateway treats an empty label value as no label. */
function nonEmpty(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).filter(([, value]) => value !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The command line's way in: a push (its dry run prints the body), or --delete. */
export const entry: DestinationEntry = {
  async start({ options, dryRun, delete: isDelete }) {
    if (isDelete) return { report: await deleteGroup({ ...options, job: options.job as string }), dryRunChunks: undefined, send: undefined };
    const prepared = await preparePush(options);
    return { report: prepared.report, dryRunChunks: () => prepared.body.chunks(), send: dryRun ? undefined : () => sendPush(prepared) };
  },
};
