import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { runCli, type CliResult } from '../helpers/cli.js';
import { groupingPath } from '../../src/transport/gateway-url.js';
import type { FuzzCase } from './cases.js';

// One fuzz case against a real gateway: the same command line as --dry-run and as a push, and
// the invariants every run must keep, whatever the input.

export interface CaseOutcome {
  readonly violations: string[];
  /** The command line and file, for a reproducer. */
  readonly commandLine: string;
  readonly file: string;
  readonly dryRun: CliResult;
  readonly push: CliResult;
}

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
const GATEWAY_OWN = new Set(['push_time_seconds', 'push_failure_time_seconds']);

type Series = Map<string, number>;

/** `name{sorted labels}` to value; empty label values dropped, as the gateway treats them as missing. */
function seriesKey(name: string, labels: Record<string, string>): string {
  const present = Object.entries(labels)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${name}${JSON.stringify(present)}`;
}

function goFloat(text: string | undefined): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function dryRunSeries(text: string): Series {
  const series: Series = new Map();
  for (const family of parsePrometheusTextFormat(text)) {
    for (const metric of family.metrics) series.set(seriesKey(family.name, metric.labels ?? {}), goFloat(metric.value));
  }
  return series;
}

interface ApiGroup {
  labels: Record<string, string>;
  [family: string]: unknown;
}

async function groupOf(gatewayUrl: string, grouping: Record<string, string>): Promise<ApiGroup | undefined> {
  const json = (await (await fetch(`${gatewayUrl}/api/v1/metrics`)).json()) as { data: ApiGroup[] };
  return json.data.find((group) => seriesKey('', group.labels) === seriesKey('', grouping));
}

function gatewaySeries(group: ApiGroup | undefined): Series {
  const series: Series = new Map();
  if (group === undefined) return series;
  for (const [name, family] of Object.entries(group)) {
    if (name === 'labels' || name === 'last_push_successful' || GATEWAY_OWN.has(name)) continue;
    for (const metric of (family as { metrics: { labels: Record<string, string>; value: string }[] }).metrics) {
      const labels = Object.fromEntries(Object.entries(metric.labels).filter(([label]) => !(label in group.labels) && label !== 'instance'));
      if (metric.labels.instance !== undefined && metric.labels.instance !== '' && !('instance' in group.labels)) labels.instance = metric.labels.instance;
      series.set(seriesKey(name, labels), goFloat(metric.value));
    }
  }
  return series;
}

function sameSeries(a: Series, b: Series): string | undefined {
  for (const [key, value] of a) {
    if (!b.has(key)) return `${key} is missing`;
    const other = b.get(key) as number;
    if (!(Object.is(value, other) || value === other || (Number.isNaN(value) && Number.isNaN(other)))) return `${key} is ${other}, not ${value}`;
  }
  for (const key of b.keys()) if (!a.has(key)) return `${key} is extra`;
  return undefined;
}

/** Parse errors only: promtool exits 3 for lint complaints about the user's own names, 1 for text it cannot parse. */
export function promtoolParseError(text: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', () => reject(new Error('promtool is needed for the fuzz tier: apt-get install -y prometheus (as .ci/run does)')));
    child.on('close', (code) => resolve(code === 1 || /error while linting/.test(output) ? output.trim() : undefined));
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export async function runCase(fuzz: FuzzCase, gatewayUrl: string, job: string): Promise<CaseOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-fuzz-'));
  const file = join(dir, fuzz.fileName);
  writeFileSync(file, fuzz.bytes);
  const gateway = fuzz.urlPassword === undefined ? gatewayUrl : gatewayUrl.replace('//', `//fuzzer:${encodeURIComponent(fuzz.urlPassword)}@`);
  const labels = fuzz.groupingLabels.flatMap(([name, value]) => ['--label', `${name}=${value}`]);
  const args = [file, '--job', job, '--gateway', gateway, ...labels, ...fuzz.args, '--retries', '0'];
  const grouping = { job, ...Object.fromEntries(fuzz.groupingLabels) };
  const violations: string[] = [];

  // The group was there before: exit 2 must leave it exactly so, push time included. (Seeding
  // only the job's group would make the gateway refuse every later push, everywhere, when the
  // case's group differs from it only by an empty label: see the report on issue 11.)
  const seedLabels = fuzz.groupingLabels.some(([name]) => name === 'job') ? [] : fuzz.groupingLabels.map(([name, value]) => ({ name, value }));
  const seedGrouping = { job, ...Object.fromEntries(seedLabels.map(({ name, value }) => [name, value])) };
  const seeded = await fetch(`${gatewayUrl}${groupingPath(job, seedLabels)}`, { method: 'PUT', body: 'fuzz_seed 1\n' });
  if (!seeded.ok) throw new Error(`seeding ${job}: HTTP ${seeded.status} ${await seeded.text()}`);
  const seededGroup = await groupOf(gatewayUrl, seedGrouping);
  const before = await groupOf(gatewayUrl, grouping);

  const dryRun = await runCli([...args, '--dry-run'], { env: { ...fuzz.env } });
  const push = await runCli([...args, '--json'], { env: { ...fuzz.env } });
  const after = await groupOf(gatewayUrl, grouping);

  for (const [name, result] of [['--dry-run', dryRun], ['push', push]] as const) {
    if (![0, 1, 2].includes(result.code ?? -1)) violations.push(`${name} exited ${result.code}`);
    if (STACK_TRACE.test(result.stderr)) violations.push(`${name} printed a stack trace without --verbose`);
    if (/unexpected failure/.test(result.stderr)) violations.push(`${name} met an unexpected failure: ${result.stderr.trim()}`);
    for (const secret of fuzz.secrets) if ((result.stdout + result.stderr).includes(secret)) violations.push(`${name} printed the secret ${secret}`);
  }
  if ((dryRun.code === 2) !== (push.code === 2)) violations.push(`--dry-run exited ${dryRun.code} but the push ${push.code}: they read the input differently`);
  if (push.code === 2 && JSON.stringify(after) !== JSON.stringify(before)) violations.push('exit 2 changed the gateway');
  if (push.code === 0 && dryRun.code === 0) {
    const expected = dryRunSeries(dryRun.stdout);
    // POST keeps the families the body does not name.
    if (fuzz.args.includes('post') && !/^# TYPE fuzz_seed /m.test(dryRun.stdout)) {
      for (const [key, value] of gatewaySeries(seededGroup)) expected.set(key, value);
    }
    const mismatch = sameSeries(expected, gatewaySeries(after));
    if (mismatch !== undefined) violations.push(`exit 0, but the gateway does not hold what --dry-run printed: ${mismatch}`);
  }
  if (dryRun.code === 0) {
    const parseError = await promtoolParseError(dryRun.stdout);
    if (parseError !== undefined) violations.push(`promtool cannot parse the --dry-run output: ${parseError}`);
  }
  const envText = Object.entries(fuzz.env).map(([name, value]) => `${name}=${shellQuote(value)} `).join('');
  return { violations, commandLine: `${envText}csv-push ${args.map(shellQuote).join(' ')}`, file, dryRun, push };
}
