import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { runCli, type CliResult } from '../helpers/cli.js';
import { exportVictoriaMetrics, type StoredSample } from '../helpers/receivers.js';
import { groupingPath } from '../../src/transport/gateway-url.js';
import type { ExpectedCell, FuzzCase } from './cases.js';

// One fuzz case against its real destination (a Pushgateway, a textfile, VictoriaMetrics by
// remote write): the same command line as --dry-run and as a push, and the invariants every run
// must keep, whatever the input.

export interface CaseOutcome {
  readonly violations: string[];
  /** The command line and file, for a reproducer. */
  readonly commandLine: string;
  readonly file: string;
  readonly dryRun: CliResult;
  readonly push: CliResult;
}

/** Where the destinations are: a real Pushgateway and a real VictoriaMetrics (textfiles go to a temporary directory). */
export interface Targets {
  readonly gatewayUrl: string;
  readonly victoriaMetricsUrl: string;
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

interface HeldSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples behind series keys (`name[[label, value], ...]`, as seriesKey writes them). */
function heldSamples(series: Series): HeldSample[] {
  return [...series].map(([key, value]) => {
    const at = key.indexOf('[');
    return { name: key.slice(0, at), labels: Object.fromEntries(JSON.parse(key.slice(at)) as [string, string][]), value };
  });
}

/**
 * A wide case's own invariant, against the cells the generator wrote rather than csv-push's dry
 * run: after exit 0 every good value cell is held, in its column's gauge, under its row's id, with
 * its value; and those gauges hold nothing else (no sample for an empty or #NULL! cell).
 */
function goodCellViolations(
  expectedCells: readonly ExpectedCell[] | undefined,
  held: readonly HeldSample[],
  same: (held: number, value: number) => boolean,
  where: string,
): string[] {
  if (expectedCells === undefined) return [];
  const violations: string[] = [];
  const gauges = new Set(expectedCells.map((cell) => cell.gauge));
  const inGauges = held.filter((sample) => gauges.has(sample.name));
  for (const cell of expectedCells) {
    const found = inGauges.filter((sample) => sample.name === cell.gauge && sample.labels[cell.idLabel] === cell.id);
    if (found.length === 0) violations.push(`exit 0, but ${where} lacks the good cell ${cell.gauge}{${cell.idLabel}="${cell.id}"} = ${cell.value}`);
    else if (!found.some((sample) => same(sample.value, cell.value))) {
      violations.push(`exit 0, but ${where} holds the good cell ${cell.gauge}{${cell.idLabel}="${cell.id}"} as ${found.map((sample) => sample.value).join(', ')}, not ${cell.value}`);
    }
  }
  for (const sample of inGauges) {
    const idLabel = expectedCells[0]?.idLabel ?? 'id';
    if (!expectedCells.some((cell) => cell.gauge === sample.name && cell.id === sample.labels[idLabel])) {
      violations.push(`exit 0, but ${where} holds ${sample.name}{${idLabel}="${sample.labels[idLabel]}"} = ${sample.value}, a bad cell's sample`);
    }
  }
  if (inGauges.length !== expectedCells.length) violations.push(`exit 0, but ${where} holds ${inGauges.length} samples of the wide gauges, not the ${expectedCells.length} good cells`);
  return violations;
}

const exactly = (held: number, value: number): boolean => Object.is(held, value) || held === value;

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

/** Checks every run keeps, whatever the destination. */
function commonViolations(fuzz: FuzzCase, dryRun: CliResult, push: CliResult): string[] {
  const violations: string[] = [];
  for (const [name, result] of [['--dry-run', dryRun], ['push', push]] as const) {
    if (![0, 1, 2].includes(result.code ?? -1)) violations.push(`${name} exited ${result.code}`);
    if (STACK_TRACE.test(result.stderr)) violations.push(`${name} printed a stack trace without --verbose`);
    if (/unexpected failure/.test(result.stderr)) violations.push(`${name} met an unexpected failure: ${result.stderr.trim()}`);
    for (const secret of fuzz.secrets) if ((result.stdout + result.stderr).includes(secret)) violations.push(`${name} printed the secret ${secret}`);
  }
  // Every destination reads all rows before it sends (remote write reads them twice), so --strict
  // and --max-skipped hold alike for the dry run and the real run.
  if ((dryRun.code === 2) !== (push.code === 2)) {
    violations.push(`--dry-run exited ${dryRun.code} but the push ${push.code}: they read the input differently`);
  }
  // Valid by construction: nothing in the file or options may stop it.
  if (fuzz.kind === 'valid' && push.code !== 0) violations.push(`a valid case exited ${push.code}, not 0: ${firstLine(push.stderr)}`);
  if (fuzz.kind === 'valid' && dryRun.code !== 0) violations.push(`a valid case's --dry-run exited ${dryRun.code}, not 0: ${firstLine(dryRun.stderr)}`);
  return violations;
}

const firstLine = (text: string): string => text.split('\n').find((line) => line.startsWith('error')) ?? text.trim().split('\n')[0] ?? '';

function reproduction(fuzz: FuzzCase, args: readonly string[]): string {
  const envText = Object.entries(fuzz.env).map(([name, value]) => `${name}=${shellQuote(value)} `).join('');
  return `${envText}csv-push ${args.map(shellQuote).join(' ')}`;
}

export async function runCase(fuzz: FuzzCase, targets: Targets, job: string): Promise<CaseOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'csv-push-fuzz-'));
  const file = join(dir, fuzz.fileName);
  writeFileSync(file, fuzz.bytes);
  if (fuzz.destination === 'textfile') return runTextfileCase(fuzz, dir, file, job);
  if (fuzz.destination === 'remote-write') return runRemoteWriteCase(fuzz, targets.victoriaMetricsUrl, dir, file, job);
  return runPushgatewayCase(fuzz, targets.gatewayUrl, file, job);
}

async function runPushgatewayCase(fuzz: FuzzCase, gatewayUrl: string, file: string, job: string): Promise<CaseOutcome> {
  const gateway = fuzz.urlPassword === undefined ? gatewayUrl : gatewayUrl.replace('//', `//fuzzer:${encodeURIComponent(fuzz.urlPassword)}@`);
  const labels = fuzz.groupingLabels.flatMap(([name, value]) => ['--label', `${name}=${value}`]);
  const args = [file, '--job', job, '--gateway', gateway, ...labels, ...fuzz.args, '--retries', '0'];
  const grouping = { job, ...Object.fromEntries(fuzz.groupingLabels) };

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

  const violations = commonViolations(fuzz, dryRun, push);
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
  if (push.code === 0) violations.push(...goodCellViolations(fuzz.expectedCells, heldSamples(gatewaySeries(after)), exactly, 'the gateway'));
  if (dryRun.code === 0) {
    const parseError = await promtoolParseError(dryRun.stdout);
    if (parseError !== undefined) violations.push(`promtool cannot parse the --dry-run output: ${parseError}`);
  }
  return { violations, commandLine: reproduction(fuzz, args), file, dryRun, push };
}

const TEXTFILE_BEFORE = '# HELP fuzz_seed There before the run.\n# TYPE fuzz_seed gauge\nfuzz_seed 1\n';

/**
 * A textfile run: exit 0 means the file holds exactly the series --dry-run printed, and promtool
 * parses it; any other exit leaves the old file as it was; no temporary file is ever left behind.
 */
async function runTextfileCase(fuzz: FuzzCase, dir: string, file: string, job: string): Promise<CaseOutcome> {
  const textfiles = join(dir, 'textfiles');
  mkdirSync(textfiles);
  const target = join(textfiles, 'fuzz.prom');
  writeFileSync(target, TEXTFILE_BEFORE);
  const labels = fuzz.groupingLabels.flatMap(([name, value]) => ['--label', `${name}=${value}`]);
  const args = [file, '--textfile', target, '--job', job, ...labels, ...fuzz.args];
  const dryRun = await runCli([...args, '--dry-run'], { env: { ...fuzz.env } });
  const push = await runCli([...args, '--json'], { env: { ...fuzz.env } });
  const after = readFileSync(target, 'utf8');

  const violations = commonViolations(fuzz, dryRun, push);
  const leftovers = readdirSync(textfiles).filter((name) => name !== 'fuzz.prom');
  if (leftovers.length > 0) violations.push(`exit ${push.code} left files beside the target: ${leftovers.join(', ')}`);
  if (push.code !== 0 && after !== TEXTFILE_BEFORE) violations.push(`exit ${push.code} changed the file`);
  if (push.code === 0 && dryRun.code === 0) {
    const mismatch = sameSeries(dryRunSeries(dryRun.stdout), dryRunSeries(after));
    if (mismatch !== undefined) violations.push(`exit 0, but the file does not hold what --dry-run printed: ${mismatch}`);
    violations.push(...goodCellViolations(fuzz.expectedCells, heldSamples(dryRunSeries(after)), exactly, 'the file'));
    const parseError = await promtoolParseError(after);
    if (parseError !== undefined) violations.push(`promtool cannot parse the written file: ${parseError}`);
  }
  return { violations, commandLine: reproduction(fuzz, args), file, dryRun, push };
}

/** `name{labels}` of a stored sample, keyed as the dry run's series are. */
function storedKey(sample: StoredSample): string {
  const { __name__: name = '', ...labels } = sample.labels;
  return seriesKey(name, labels);
}

/**
 * Whether VictoriaMetrics holds `value` as `held`. It stores a float as a decimal of 12
 * significant digits, and turns values too small for that into 0 (seen with 1.79.5:
 * 1.7976931348623137e+308 reads back as 1.797693134862313e+308, 5e-324 as 0), so a sample is
 * the same when it agrees to 11 significant digits.
 */
function storedAs(held: number, value: number): boolean {
  if (Object.is(held, value) || held === value) return true;
  if (!Number.isFinite(held) || !Number.isFinite(value)) return false;
  if (Math.abs(value) < 1e-290 && Math.abs(held) < 1e-290) return true;
  return Math.abs(held - value) <= 1e-11 * Math.max(Math.abs(held), Math.abs(value));
}

const STORED_BEFORE_BREAK = /the (\d+) samples of the \d+ batch\(es\) accepted before were stored/;

/**
 * A remote-write run to VictoriaMetrics. Its --dry-run prints no samples, so the series it would
 * send come from the same command as a textfile --dry-run (the time column ignored instead): exit 0
 * means VictoriaMetrics holds exactly those label sets and values, as many samples as the
 * remote-write --dry-run counted, at the run's time or at each row's own. Exit 2 stores nothing,
 * or what the message says the batches before a broken row stored.
 */
async function runRemoteWriteCase(fuzz: FuzzCase, victoriaMetricsUrl: string, dir: string, file: string, job: string): Promise<CaseOutcome> {
  const labels = fuzz.groupingLabels.flatMap(([name, value]) => ['--label', `${name}=${value}`]);
  const timeArgs = fuzz.timestampColumn === undefined ? [] : ['--timestamp-column', fuzz.timestampColumn];
  const batchArgs = fuzz.batchSize === undefined ? [] : ['--batch-size', String(fuzz.batchSize)];
  const args = [file, '--remote-write', victoriaMetricsUrl, '--job', job, ...labels, ...fuzz.args, ...timeArgs, ...batchArgs, '--retries', '0'];
  const dryRun = await runCli([...args, '--dry-run', '--json'], { env: { ...fuzz.env } });
  const startedMs = Date.now();
  const push = await runCli([...args, '--json'], { env: { ...fuzz.env } });
  const endedMs = Date.now();
  const violations = commonViolations(fuzz, dryRun, push);
  const selector = `{job="${job}"}`;

  if (push.code === 2) {
    const storedBefore = Number(STORED_BEFORE_BREAK.exec(push.stderr)?.[1] ?? 0);
    const stored = await exportVictoriaMetrics(victoriaMetricsUrl, selector, storedBefore);
    if (stored.length !== storedBefore) violations.push(`exit 2 said ${storedBefore} samples were stored before it stopped, but VictoriaMetrics holds ${stored.length}`);
  }
  if (push.code === 0 && dryRun.code === 0) {
    const counted = (JSON.parse(dryRun.stdout) as { series: number; samples: number; skippedByReason: { notATime: number } });
    const referenceArgs = [file, '--textfile', join(dir, 'reference.prom'), '--job', job, ...labels, ...fuzz.args];
    if (fuzz.timestampColumn !== undefined) referenceArgs.push('--ignore-column', fuzz.timestampColumn);
    const reference = await runCli([...referenceArgs, '--dry-run'], { env: { ...fuzz.env } });
    const expected = reference.code === 0 ? dryRunSeries(reference.stdout) : undefined;
    // VictoriaMetrics drops NaN samples on ingestion (seen with 1.79.5): they cannot be read back.
    const nanSeries = expected === undefined ? 0 : [...expected.values()].filter((value) => Number.isNaN(value)).length;
    // Wait for what must be there: the distinct series the reference expects (NaN aside), else one.
    const mustHold = expected === undefined ? 1 : [...expected.values()].filter((value) => !Number.isNaN(value)).length;
    const stored = await exportVictoriaMetrics(victoriaMetricsUrl, selector, Math.max(mustHold, fuzz.expectedCells?.length ?? 0));
    const storedSamples = stored.map(({ labels: { __name__: name = '', ...labels }, value }) => ({ name, labels, value }));
    violations.push(...goodCellViolations(fuzz.expectedCells, storedSamples, storedAs, 'VictoriaMetrics'));
    if (stored.length > counted.samples) violations.push(`exit 0, but VictoriaMetrics holds ${stored.length} samples where --dry-run counted ${counted.samples}`);
    // The textfile reads the same rows unless a time cell skipped some; of repeated rows, both keep the later one (remote write per time).
    if (expected !== undefined && counted.skippedByReason.notATime === 0) {
      const storedByKey = new Map<string, number[]>();
      for (const sample of stored) storedByKey.set(storedKey(sample), [...(storedByKey.get(storedKey(sample)) ?? []), sample.value]);
      for (const key of storedByKey.keys()) if (!expected.has(key)) violations.push(`exit 0, but VictoriaMetrics holds a series --dry-run would not send: ${key}`);
      for (const [key, value] of expected) {
        if (Number.isNaN(value)) continue;
        const values = storedByKey.get(key);
        if (values === undefined) violations.push(`exit 0, but VictoriaMetrics lacks ${key}`);
        else if (!values.some((held) => storedAs(held, value))) violations.push(`exit 0, but VictoriaMetrics holds ${key} as ${values.join(', ')}, not ${value}`);
      }
      if (expected.size === counted.series && counted.samples === counted.series && stored.length !== counted.series - nanSeries) {
        violations.push(`exit 0, but VictoriaMetrics holds ${stored.length} samples, not the ${counted.series - nanSeries} --dry-run counted (NaN aside)`);
      }
    } else if (fuzz.kind === 'valid') {
      violations.push(`a valid case's textfile --dry-run exited ${reference.code}, or its time cells skipped rows: ${firstLine(reference.stderr)}`);
    }
    const times = stored.map((sample) => sample.timestampMs).sort((a, b) => a - b);
    if (fuzz.timestampColumn === undefined) {
      // One time for the whole run, taken while it ran.
      if (new Set(times).size > 1 || times.some((time) => time < startedMs - 1000 || time > endedMs + 1000)) {
        violations.push(`exit 0, but the samples' times ${[...new Set(times)].join(', ')} are not one time between ${startedMs} and ${endedMs}`);
      }
    } else if (fuzz.expectedTimesMs !== undefined) {
      // Each row's own time; with NaN samples dropped by the receiver, each stored time is still one of the rows'.
      const wrong = nanSeries === 0 ? JSON.stringify(times) !== JSON.stringify(fuzz.expectedTimesMs) : times.some((time) => !fuzz.expectedTimesMs?.includes(time));
      if (wrong) violations.push(`exit 0, but the samples' times are ${times.join(', ')}, not the rows' ${fuzz.expectedTimesMs.join(', ')}`);
    }
  }
  return { violations, commandLine: reproduction(fuzz, args), file, dryRun, push };
}
