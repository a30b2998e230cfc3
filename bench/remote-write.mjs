// npm run bench:remote-write: csv-push --remote-write beside the receiver's own CSV import and a
// bare-Node floor, on one machine, in one run, interleaved, on each Node.js version users run (20,
// 22 and 24: pinned in scripts/fetch-node.sh, cached in .cache/node/, as bench/run.mjs does).
//
// For each CSV size (bench/run.mjs's files: 4 label columns, every row a series of its own) it
// times, several rounds, each round every tool once (the order rotates from round to round):
// - csv-push --remote-write to a local VictoriaMetrics, as a cron job runs it, on each version;
// - the bare-Node floor (bench/peers/remote_write_floor.mjs), on each version: csv-parse,
//   protobufjs and snappyjs in a few lines, one POST per batch of 5000;
// - VictoriaMetrics' own CSV import by curl (`/api/v1/import/csv`): the limit. The bench CSV has
//   no value column and csv-push sends value 1, so curl gets a second CSV, written once, with a
//   value column of 1s and no header line (the import reads every line as data), and `job=bench`
//   as an extra label: the same series with the same value.
// Every tool writes the same series (`bench_rows{host, region, service, shard, job="bench"}`),
// which one unmeasured csv-push run creates before the rounds: the runs measure sending series
// the receiver already holds, as a daily job does from its second day on (creating a million
// series is VictoriaMetrics' own indexing work, the same for every sender). Every run must land
// every series: VictoriaMetrics counts the series with a sample at or after the run's start. It
// prints, per size, medians, the ratio to the VictoriaMetrics import and peak RSS (bench/measure.py).
//
// Environment:
//   BENCH_SIZES=100000         sizes (default 100000,1000000)
//   BENCH_REPS_SCALE=0.5       fewer rounds (at least one)
//   BENCH_NODES=24             Node.js versions (default 20,22,24)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalVictoriaMetrics } from '../scripts/local-services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
const bin = join(root, 'bin', 'csv-push.js');
const METRIC = 'bench_rows';
const JOB = 'bench';
const DEFAULT_SIZES = [100_000, 1_000_000];
const REPETITIONS = { 100_000: 5, 1_000_000: 3 };
const DEFAULT_NODES = ['20', '22', '24'];
const LABEL_COLUMNS = ['host', 'region', 'service', 'shard'];

function fail(message) {
  console.error(`bench:remote-write: ${message}`);
  process.exit(1);
}

function findMeasurer() {
  const python = ['/usr/bin/python3', 'python3'].find((candidate) => spawnSync(candidate, ['-c', 'import os'], { stdio: 'ignore' }).status === 0);
  if (python === undefined) fail('python3 is needed to measure peak RSS (bench/measure.py); install python3');
  return python;
}

/** bench/run.mjs's file of `rows` rows (the same path and content, so either bench reuses the other's). */
function writeCsv(rows) {
  const path = join(outDir, `rows_${rows}.csv`);
  if (existsSync(path)) return path;
  const lines = [LABEL_COLUMNS.join(',')];
  for (let index = 0; index < rows; index++) lines.push(`host-${index % 997},region-${index % 13},svc-${index % 101},${index}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The same rows with a value column of 1s and no header line: VictoriaMetrics' CSV import reads every line as data. */
function writeImportCsv(rows) {
  const path = join(outDir, `rows_${rows}_import.csv`);
  if (existsSync(path)) return path;
  const lines = [];
  for (let index = 0; index < rows; index++) lines.push(`host-${index % 997},region-${index % 13},svc-${index % 101},${index},1`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function measure(measurer, argv) {
  const result = spawnSync(measurer, [join(root, 'bench', 'measure.py'), ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) fail(`measure.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/**
 * Counts the series of `metric` in VictoriaMetrics with a sample at or after `sinceMs` (so a run
 * that resends known series is counted by its own samples). Fresh rows become searchable a moment
 * after they are accepted, so it asks again until `expected` or 60 s.
 */
async function seriesInVictoria(victoriaUrl, metric, sinceMs, expected) {
  const query = `count(timestamp(${metric}) >= ${sinceMs / 1000})`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    await fetch(`${victoriaUrl}/internal/force_flush`);
    const response = await fetch(`${victoriaUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
    const json = await response.json();
    if (json.status !== 'success') fail(`VictoriaMetrics could not count ${metric}: ${json.error ?? response.status}`);
    const count = Number(json.data?.result?.[0]?.value?.[1] ?? 0);
    if (count >= expected || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const formatSeconds = (ms) => (ms < 1000 ? (ms / 1000).toFixed(3) : (ms / 1000).toFixed(2));
const formatRatio = (value, base) => (base === undefined ? '-' : `${(value / base).toFixed(2)}x`);

/** The node binary of each Node.js version asked for, as bench/run.mjs finds it (scripts/fetch-node.sh). */
function resolveNodes(majors) {
  const fetchScript = join(root, 'scripts', 'fetch-node.sh');
  const listed = spawnSync('bash', [fetchScript, '--pinned'], { encoding: 'utf8' });
  if (listed.status !== 0) fail(`scripts/fetch-node.sh --pinned failed: ${listed.stderr}`);
  const pinned = new Map(listed.stdout.trim().split('\n').map((line) => line.split(' ')));
  return majors.map((major) => {
    const version = pinned.get(major);
    if (version === undefined) fail(`no pinned Node.js ${major} in scripts/fetch-node.sh (BENCH_NODES)`);
    if (process.version === `v${version}`) return { major, version, node: process.execPath };
    const fetched = spawnSync('bash', [fetchScript, major], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (fetched.status !== 0) fail(`Node.js ${version} is needed and could not be fetched (scripts/fetch-node.sh ${major})`);
    return { major, version, node: fetched.stdout.trim() };
  });
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  if (spawnSync('curl', ['--version'], { stdio: 'ignore' }).error !== undefined) fail('curl is needed: apt-get install -y curl');
  const measurer = findMeasurer();
  if (!existsSync(join(root, 'dist', 'cli.js'))) fail('build first: npm run build');
  const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : DEFAULT_SIZES;
  const scale = Number(process.env.BENCH_REPS_SCALE ?? 1);
  const nodes = resolveNodes(process.env.BENCH_NODES ? process.env.BENCH_NODES.split(',') : DEFAULT_NODES);

  // Its defaults refuse a query over more than 300,000 series, and counting a million rows is one,
  // and a query longer than 30 s, which counting them can take on a busy machine.
  const victoria = await startLocalVictoriaMetrics({ args: ['-search.maxUniqueTimeseries=5000000', '-search.maxQueryDuration=300s'] });
  const victoriaVersion = `victoria-metrics ${spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'victoria-metrics'], { encoding: 'utf8' }).stdout?.trim() || '(version unknown)'}`;
  const writeUrl = `${victoria.url}/api/v1/write`;
  const importFormat = [...LABEL_COLUMNS.map((name, index) => `${index + 1}:label:${name}`), `${LABEL_COLUMNS.length + 1}:metric:${METRIC}`].join(',');
  const importUrl = `${victoria.url}/api/v1/import/csv?format=${importFormat}&extra_label=job=${JOB}`;
  const results = [];
  const loads = [];
  try {
    for (const rows of sizes) {
      const csv = writeCsv(rows);
      const importCsv = writeImportCsv(rows);
      // A generous --timeout: the machine may be busy.
      const csvPush = (node) => [node, bin, csv, '--job', JOB, '--remote-write', writeUrl, '--metric', METRIC, '--timeout', '300', '-q'];
      const tools = [
        ...nodes.flatMap(({ major, node }) => [
          { name: 'csv-push --remote-write', major, argv: csvPush(node) },
          { name: 'bare-Node floor', major, argv: [node, join(root, 'bench', 'peers', 'remote_write_floor.mjs'), csv, writeUrl, JOB, METRIC] },
        ]),
        { name: 'VictoriaMetrics CSV import (limit)', argv: ['curl', '-sf', '-o', '/dev/null', '--data-binary', `@${importCsv}`, importUrl] },
      ];
      const label = (tool) => (tool.major === undefined ? tool.name : `${tool.name} (Node ${tool.major})`);
      const repetitions = Math.max(1, Math.round((REPETITIONS[rows] ?? 3) * scale));
      const runs = new Map(tools.map((tool) => [tool, []]));
      process.stderr.write(`${rows} rows: ${repetitions} rounds of ${tools.length} tools\n`);
      // Not measured: makes the series known to the receiver.
      const first = spawnSync(nodes.at(-1).node, csvPush(nodes.at(-1).node).slice(1), { encoding: 'utf8' });
      if (first.status !== 0) fail(`the first remote write of ${rows} rows failed: ${first.stderr}`);
      if ((await seriesInVictoria(victoria.url, METRIC, 0, rows)) < rows) fail(`VictoriaMetrics did not show the ${rows} series of the first run`);
      for (let round = 0; round < repetitions; round++) {
        for (let index = 0; index < tools.length; index++) {
          const tool = tools[(index + round) % tools.length];
          // Every tool stamps its samples at or after its own start, which is after this.
          const since = Date.now();
          loads.push(loadavg()[0]);
          const run = measure(measurer, tool.argv);
          if (run.exitCode !== 0) fail(`${label(tool)} exited ${run.exitCode} on ${rows} rows: ${tool.argv.join(' ')}`);
          const landed = await seriesInVictoria(victoria.url, METRIC, since, rows);
          if (landed !== rows) fail(`${label(tool)} landed ${landed} of ${rows} series`);
          runs.get(tool).push(run);
          // The next run's samples must be later than this one's by the millisecond the count compares.
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }
      for (const tool of tools) {
        const toolRuns = runs.get(tool);
        results.push({
          rows,
          tool: tool.name,
          node: tool.major,
          medianMs: median(toolRuns.map((run) => run.wallMs)),
          wallMs: toolRuns.map((run) => Math.round(run.wallMs)),
          peakRssMb: Math.max(...toolRuns.map((run) => run.maxRssKb)) / 1024,
          runs: toolRuns.length,
        });
      }
      writeFileSync(join(outDir, 'remote-write-partial.json'), JSON.stringify({ nodes, results }, null, 2));
    }
  } finally {
    await victoria.stop();
  }

  const versions = nodes.map(({ version }) => `Node.js ${version}`).join(', ');
  const load = `load average (1 min) before each run: median ${median(loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}`;
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${versions}; ${victoriaVersion}; ${load}`;
  const report = renderReport(results, machine);
  writeFileSync(join(outDir, 'remote-write.md'), report);
  writeFileSync(join(outDir, 'remote-write.json'), JSON.stringify({ machine, nodes, results }, null, 2));
  process.stdout.write(report);
}

function renderReport(results, machine) {
  const lines = [
    `Machine: ${machine}`,
    '',
    'Median wall time, the ratio to VictoriaMetrics\' own CSV import in the same run, peak RSS:',
    '',
    '| rows | tool | Node | median s | vs VictoriaMetrics import | peak RSS MB | runs |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of results) {
    const limit = results.find((one) => one.rows === result.rows && one.tool.startsWith('VictoriaMetrics'));
    lines.push(
      `| ${result.rows.toLocaleString('en-US')} | ${result.tool} | ${result.node ?? '-'} | ${formatSeconds(result.medianMs)} | ${formatRatio(result.medianMs, limit?.medianMs)} | ${result.peakRssMb.toFixed(0)} | ${result.runs} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

await main();
