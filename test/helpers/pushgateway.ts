import { afterAll, beforeAll } from 'vitest';
import { startLocalPushgateway } from '../../scripts/local-pushgateway.mjs';

export interface GatewaySample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface GatewayGroup {
  readonly labels: Record<string, string>;
  /** Metric name to its family, as the gateway's JSON API shows it (push_time_seconds etc. left out). */
  readonly metrics: Record<string, { type: string; help: string; samples: GatewaySample[] }>;
  /** The gateway's own record of the group's last pushes: a group left alone keeps both. */
  readonly pushTimes: { readonly success: string | undefined; readonly failure: string | undefined };
}

export interface RunningGateway {
  /** Base URL as a user would pass it to --gateway (including any route prefix). */
  readonly url: string;
  readonly port: number;
  groups(): Promise<GatewayGroup[]>;
  group(labels: Record<string, string>): Promise<GatewayGroup | undefined>;
  stop(): Promise<void>;
}

export interface GatewayStartOptions {
  /** Extra flags, e.g. `--web.config.file=...` or `--web.route-prefix=/pgw`. */
  readonly args?: readonly string[];
  /** Path prefix the gateway serves under (must match --web.route-prefix when given). */
  readonly prefix?: string;
  readonly scheme?: 'http' | 'https';
  /** How to GET JSON from it: a secured gateway needs a CA, a client certificate or credentials. */
  readonly readBack?: (url: string) => Promise<unknown>;
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A real Pushgateway for one test file, read back through its JSON API. */
export async function startPushgateway(options: GatewayStartOptions = {}): Promise<RunningGateway> {
  const readBack = options.readBack ?? fetchJson;
  const gateway = await startLocalPushgateway({
    ...(options.args === undefined ? {} : { args: options.args }),
    ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    probe: readBack,
  });
  const groups = async (): Promise<GatewayGroup[]> => parseGroups(await readBack(`${gateway.url}/api/v1/metrics`));
  return {
    url: gateway.url,
    port: gateway.port,
    groups,
    group: async (labels) => (await groups()).find((group) => sameLabels(group.labels, labels)),
    stop: gateway.stop,
  };
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

const GATEWAY_OWN_METRICS = new Set(['push_time_seconds', 'push_failure_time_seconds']);

interface ApiGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

function parseGroups(json: unknown): GatewayGroup[] {
  const data = (json as { data: ApiGroup[] }).data;
  return data.map((group) => {
    const metrics: GatewayGroup['metrics'] = {};
    for (const [name, family] of Object.entries(group)) {
      if (name === 'labels' || name === 'last_push_successful' || GATEWAY_OWN_METRICS.has(name)) continue;
      const typed = family as { type: string; help: string; metrics: { labels: Record<string, string>; value: string }[] };
      metrics[name] = {
        type: typed.type,
        help: typed.help,
        samples: typed.metrics.map((metric) => ({ labels: withoutGroupingLabels(metric.labels, group.labels), value: parseGoFloat(metric.value) })),
      };
    }
    const timeOf = (name: string) => (group[name] as { metrics?: { value: string }[] } | undefined)?.metrics?.[0]?.value;
    return { labels: group.labels, metrics, pushTimes: { success: timeOf('push_time_seconds'), failure: timeOf('push_failure_time_seconds') } };
  });
}

/** The JSON API formats values with Go's strconv: `+Inf`, `-Inf` and `NaN` need a hand. */
function parseGoFloat(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** The gateway adds the grouping key and an empty instance to every sample; tests compare what the CSV gave. */
function withoutGroupingLabels(labels: Record<string, string>, grouping: Record<string, string>): Record<string, string> {
  const rest: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (name in grouping) continue;
    if (name === 'instance' && value === '') continue;
    rest[name] = value;
  }
  return rest;
}

/**
 * A real gateway for the test file that calls it (started before its tests, stopped after), and
 * job names unique to each call, so tests never see each other's groups.
 */
export function useGateway(options: GatewayStartOptions = {}): { gateway: RunningGateway; uniqueJob: () => string } {
  let running: RunningGateway | undefined;
  let jobs = 0;
  beforeAll(async () => {
    running = await startPushgateway(options);
  });
  afterAll(async () => {
    await running?.stop();
  });
  const current = (): RunningGateway => {
    if (running === undefined) throw new Error('the gateway is not running yet: use it inside a test');
    return running;
  };
  const gateway: RunningGateway = {
    get url() {
      return current().url;
    },
    get port() {
      return current().port;
    },
    groups: () => current().groups(),
    group: (labels) => current().group(labels),
    stop: () => current().stop(),
  };
  return { gateway, uniqueJob: () => `job_${process.pid}_${++jobs}` };
}

/**
 * The group once a delete has gone through. The gateway answers DELETE with 202 Accepted and
 * removes the group from its write queue a moment later, so a read right after the answer may
 * still see it; this reads again for up to 3 s and gives what is there then (undefined when gone).
 */
export async function groupAfterDelete(gateway: Pick<RunningGateway, 'group'>, labels: Record<string, string>): Promise<GatewayGroup | undefined> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const group = await gateway.group(labels);
    if (group === undefined || Date.now() > deadline) return group;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
