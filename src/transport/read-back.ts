// After a push whose whole body reached the gateway but whose answer did not come in time, the
// gateway may still be ingesting it. Sending the body again would make it ingest it twice (a
// million series take seconds), so the client reads the group's own push times back instead.
// They are read from the gateway's /metrics text, not /api/v1/metrics: both list every group,
// but the text comes about four times faster and can be scanned line by line as it arrives.

/** Below this, a slow gateway is assumed to ingest at least this many body bytes per second. */
const ASSUMED_INGEST_BYTES_PER_SECOND = 2_000_000;
const MIN_WINDOW_MS = 5000;
const POLL_EVERY_MS = 500;

export const PUSH_TIME_PREFIXES = ['push_time_seconds{', 'push_failure_time_seconds{'] as const;

export interface PushTimeLines {
  readonly status: number;
  /** The lines of /metrics that start with one of PUSH_TIME_PREFIXES. */
  readonly lines: readonly string[];
  /** The gateway's `Date` header, to allow for a clock that differs from ours. */
  readonly date: string | undefined;
}

export type ReadBackOutcome =
  | { readonly kind: 'stored'; readonly at: Date }
  | { readonly kind: 'refused'; readonly at: Date }
  | { readonly kind: 'not-stored'; readonly checkedForMs: number }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * How long to look: the per-attempt timeout, or longer for a body a slow gateway needs longer to
 * ingest, so that a large push is not reported failed while the gateway is still storing it.
 */
export function readBackWindowMs(timeoutMs: number, bodyBytes: number): number {
  return Math.max(timeoutMs, MIN_WINDOW_MS + (bodyBytes * 1000) / ASSUMED_INGEST_BYTES_PER_SECOND);
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
function pushTimes(lines: readonly string[], group: Record<string, string>): { pushedMs: number; failedMs: number } | undefined {
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
 * Polls the gateway until the group shows a push or a refusal newer than `sentAtMs`, or the
 * window closes. Only the gateway's own record decides; `get` fetches those lines of `/metrics`.
 */
export async function readBackPush(
  get: (timeoutMs: number) => Promise<PushTimeLines>,
  group: Record<string, string>,
  sentAtMs: number,
  { windowMs, minGetTimeoutMs }: { windowMs: number; minGetTimeoutMs: number },
): Promise<ReadBackOutcome> {
  const started = Date.now();
  let lastProblem: string | undefined;
  for (;;) {
    try {
      // /metrics lists every group, so it grows with the gateway's contents: give it the rest of the window.
      const answer = await get(Math.max(minGetTimeoutMs, windowMs - (Date.now() - started)));
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status} from /metrics`);
      // Clocks a few seconds apart would make a fresh push look old (or an old one fresh).
      const gatewayNow = answer.date === undefined ? Number.NaN : Date.parse(answer.date);
      const skewMs = Number.isNaN(gatewayNow) || Math.abs(gatewayNow - Date.now()) < 2000 ? 0 : gatewayNow - Date.now();
      const times = pushTimes(answer.lines, group);
      const since = sentAtMs + skewMs;
      lastProblem = undefined;
      if (times !== undefined && times.pushedMs >= since && times.pushedMs >= times.failedMs) return { kind: 'stored', at: new Date(times.pushedMs - skewMs) };
      if (times !== undefined && times.failedMs >= since) return { kind: 'refused', at: new Date(times.failedMs - skewMs) };
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    const elapsed = Date.now() - started;
    if (elapsed >= windowMs) {
      return lastProblem === undefined ? { kind: 'not-stored', checkedForMs: elapsed } : { kind: 'unknown', reason: lastProblem };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_EVERY_MS, windowMs - elapsed)));
  }
}
