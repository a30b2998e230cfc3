import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const PUSHGATEWAY_BINARY = process.env.PUSHGATEWAY_BINARY ?? 'prometheus-pushgateway';

export interface GatewaySample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface GatewayGroup {
  readonly labels: Record<string, string>;
  /** Metric name to its family, as the gateway's JSON API shows it (push_time_seconds etc. left out). */
  readonly metrics: Record<string, { type: string; help: string; samples: GatewaySample[] }>;
}

export interface RunningGateway {
  /** Base URL as a user would pass it to --gateway (including any route prefix). */
  readonly url: string;
  readonly port: number;
  groups(): Promise<GatewayGroup[]>;
  group(labels: Record<string, string>): Promise<GatewayGroup | undefined>;
  stop(): Promise<void>;
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function requireBinary(): void {
  const probe = spawnSync(PUSHGATEWAY_BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new Error(
      `${PUSHGATEWAY_BINARY} is not installed, and the tests need a real Pushgateway: run \`apt-get update && apt-get install -y prometheus-pushgateway\` (as .ci/run does), or set PUSHGATEWAY_BINARY`,
    );
  }
}

export interface GatewayStartOptions {
  /** Extra flags, e.g. `--web.config.file=...` or `--web.route-prefix=/pgw`. */
  readonly args?: readonly string[];
  /** Path prefix the gateway serves under (must match --web.route-prefix when given). */
  readonly prefix?: string;
  readonly scheme?: 'http' | 'https';
  /** Fetch options for readiness and read-back on a secured gateway. */
  readonly readHeaders?: Record<string, string>;
  readonly readBack?: (url: string) => Promise<unknown>;
}

export async function startPushgateway(options: GatewayStartOptions = {}): Promise<RunningGateway> {
  requireBinary();
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const child = spawn(
      PUSHGATEWAY_BINARY,
      [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--web.enable-admin-api', '--log.level=warn', ...(options.args ?? [])],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const url = `${options.scheme ?? 'http'}://127.0.0.1:${port}${options.prefix ?? ''}`;
    const readBack = options.readBack ?? (async (target: string) => {
      const response = await fetch(target, { headers: options.readHeaders ?? {} });
      if (!response.ok) throw new Error(`GET ${target}: ${response.status} ${await response.text()}`);
      return response.json();
    });
    const ready = await waitUntilReady(child, () => readBack(`${url}/api/v1/status`));
    if (!ready) {
      await stopChild(child);
      if (tries < 3 && /address already in use/.test(log)) continue;
      throw new Error(`the Pushgateway did not start on port ${port}: ${log.trim()}`);
    }
    const groups = async (): Promise<GatewayGroup[]> => parseGroups(await readBack(`${url}/api/v1/metrics`));
    return {
      url,
      port,
      groups,
      group: async (labels) => (await groups()).find((group) => sameLabels(group.labels, labels)),
      stop: () => stopChild(child),
    };
  }
}

async function waitUntilReady(child: ChildProcess, probe: () => Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      await probe();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return false;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
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
    return { labels: group.labels, metrics };
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
