// npm run bench: csv-push beside its peers, on one machine, in one run, interleaved.
//
// For each CSV size (4 label columns, every row unique) it times, several times each in turn:
// - csv-push, as a cron job runs it (node bin/csv-push.js ... -q);
// - curl PUT of the same exposition text rendered beforehand: the gateway's own ingest limit;
// - Python prometheus_client, one push_to_gateway for the whole file (when a python3 has it);
// - the blog article's pusher, one push per row (on the 100- and 1,000-row files only);
// - a minimal Node.js pusher (bench/peers/node_floor.cjs) on small files: Node's own floor;
// - csv-push --remote-write to a local VictoriaMetrics: every run under a metric name of its own,
//   so the receiver creates every series, as the emptied gateway does ("new series"); and runs
//   that send series the receiver already holds ("known series"), as a daily job does from its
//   second day on.
// The gateway is emptied before every run, and every run must land every series. It prints
// median wall time, ratios to curl and to Python, and peak RSS; the remote-write runs beside the
// Pushgateway push of the same file; then start-up figures.
//
// Environment: BENCH_SIZES=100,10000 to pick sizes; BENCH_REPS_SCALE=0.5 for fewer repetitions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePushgatewayBinary, startLocalPushgateway } from '../scripts/local-pushgateway.mjs';
import { startLocalVictoriaMetrics } from '../scripts/local-services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
const bin = join(root, 'bin', 'csv-push.js');
const METRIC = 'bench_rows';
const DEFAULT_SIZES = [100, 1_000, 10_000, 100_000, 1_000_000];
const REPETITIONS = { 100: 15, 1_000: 9, 10_000: 7, 100_000: 5, 1_000_000: 3 };
const ARTICLE_SIZES = new Set([100, 1_000]);
const NODE_FLOOR_SIZES = new Set([100, 1_000, 10_000]);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

function findPython() {
  const candidates = ['/usr/bin/python3', 'python3'];
  const usable = candidates.filter((python) => spawnSync(python, ['-c', 'import os'], { stdio: 'ignore' }).status === 0);
  if (usable.length === 0) fail('python3 is needed to measure peak RSS (bench/measure.py); install python3');
  const withClient = usable.find((python) => spawnSync(python, ['-c', 'import prometheus_client'], { stdio: 'ignore' }).status === 0);
  return { measurer: usable[0], peer: withClient };
}

function requireTool(command, install) {
  if (spawnSync(command, ['--version'], { stdio: 'ignore' }).error !== undefined) fail(`${command} is needed: ${install}`);
}

function writeCsv(rows) {
  const path = join(outDir, `rows_${rows}.csv`);
  if (existsSync(path)) return path;
  const lines = ['host,region,service,shard'];
  for (let index = 0; index < rows; index++) lines.push(`host-${index % 997},region-${index % 13},svc-${index % 101},${index}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function measure(measurer, argv) {
  const result = spawnSync(measurer, [join(root, 'bench', 'measure.py'), ...argv], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) fail(`measure.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function wipe(gatewayUrl) {
  const response = await fetch(`${gatewayUrl}/api/v1/admin/wipe`, { method: 'PUT' });
  if (!response.ok) fail(`could not wipe the gateway: ${response.status}`);
}

/**
 * Counts the series of `metric` in VictoriaMetrics with a sample at or after `sinceMs` (so a run
 * that resends known series is counted by its own samples). Fresh rows and new series become
 * searchable a moment after they are accepted, so it asks again until `expected` or 60 s.
 */
async function seriesInVictoria(victoriaUrl, metric, sinceMs, expected) {
  const query = `count(timestamp(${metric}) >= ${Math.floor(sinceMs / 1000)})`;
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

/** Counts the bench series the gateway holds, reading its text exposition as a stream. */
async function seriesLanded(gatewayUrl) {
  const response = await fetch(`${gatewayUrl}/metrics`);
  const decoder = new TextDecoder();
  const needle = `\n${METRIC}{`;
  let count = 0;
  let tail = '\n';
  for await (const chunk of response.body) {
    const text = tail + decoder.decode(chunk, { stream: true });
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) count++;
    // One character short of a match, so no match is counted twice.
    tail = text.slice(-(needle.length - 1));
  }
  return count;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatSeconds(ms) {
  return ms < 1000 ? `${(ms / 1000).toFixed(3)}` : `${(ms / 1000).toFixed(2)}`;
}

function formatRatio(value, base) {
  return base === undefined ? '-' : `${(value / base).toFixed(2)}x`;
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const gatewayVersion = requirePushgatewayBinary();
  requireTool('curl', 'apt-get install -y curl');
  const { measurer, peer } = findPython();
  if (!existsSync(join(root, 'dist', 'cli.js'))) fail('build first: npm run build');
  const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : DEFAULT_SIZES;
  const scale = Number(process.env.BENCH_REPS_SCALE ?? 1);

  const gateway = await startLocalPushgateway({
    probe: async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
    },
  });
  const hostPort = `127.0.0.1:${gateway.port}`;
  // Its default refuses a query over more than 300,000 series, and counting a million rows is one.
  const victoria = await startLocalVictoriaMetrics({ args: ['-search.maxUniqueTimeseries=5000000'] });
  const victoriaVersion = `victoria-metrics ${spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'victoria-metrics'], { encoding: 'utf8' }).stdout?.trim() || '(version unknown)'}`;
  const results = [];
  let newSeriesRuns = 0;
  try {
    for (const rows of sizes) {
      const csv = writeCsv(rows);
      const body = join(outDir, `body_${rows}.prom`);
      const rendered = spawnSync(process.execPath, [bin, csv, '--job', 'render', '--metric', METRIC, '--dry-run', '-q'], { maxBuffer: 1 << 30 });
      if (rendered.status !== 0) fail(`csv-push --dry-run failed on ${csv}: ${rendered.stderr}`);
      writeFileSync(body, rendered.stdout);

      const job = 'bench';
      // A generous --timeout: the gateway's ingest of a million series counts, and the machine may be busy.
      const remoteWrite = (metric) => [process.execPath, bin, csv, '--job', job, '--remote-write', `${victoria.url}/api/v1/write`, '--metric', metric, '--timeout', '300', '-q'];
      const knownMetric = `${METRIC}_known_${rows}`;
      const tools = [
        { name: 'csv-push', argv: [process.execPath, bin, csv, '--job', job, '--gateway', gateway.url, '--metric', METRIC, '--timeout', '300', '-q'] },
        {
          name: 'csv-push remote write (new series)',
          argv: () => remoteWrite(`${METRIC}_new_${++newSeriesRuns}`),
          landed: (since) => seriesInVictoria(victoria.url, `${METRIC}_new_${newSeriesRuns}`, since, rows),
        },
        { name: 'csv-push remote write (known series)', argv: () => remoteWrite(knownMetric), landed: (since) => seriesInVictoria(victoria.url, knownMetric, since, rows) },
        { name: 'curl (limit)', argv: ['curl', '-sf', '-o', '/dev/null', '-X', 'PUT', '--data-binary', `@${body}`, `${gateway.url}/metrics/job/${job}`] },
        ...(peer === undefined ? [] : [{ name: 'python client', argv: [peer, join(root, 'bench', 'peers', 'python_push_once.py'), csv, hostPort, job, METRIC] }]),
        ...(peer !== undefined && ARTICLE_SIZES.has(rows)
          ? [{ name: 'article pusher', argv: [peer, join(root, 'bench', 'peers', 'article_pusher.py'), csv, hostPort, job, METRIC] }]
          : []),
        ...(NODE_FLOOR_SIZES.has(rows)
          ? [{ name: 'node floor', argv: [process.execPath, join(root, 'bench', 'peers', 'node_floor.cjs'), csv, hostPort, job, METRIC] }]
          : []),
      ];
      const repetitions = Math.max(1, Math.round((REPETITIONS[rows] ?? 5) * scale));
      const runs = new Map(tools.map((tool) => [tool.name, []]));
      process.stderr.write(`${rows} rows: ${repetitions} rounds of ${tools.map((tool) => tool.name).join(', ')}\n`);
      // Not measured: makes the "known series" known to the receiver.
      if (spawnSync(remoteWrite(knownMetric)[0], remoteWrite(knownMetric).slice(1)).status !== 0) fail(`the first remote write of ${rows} rows failed`);
      for (let round = 0; round < repetitions; round++) {
        for (const tool of tools) {
          await wipe(gateway.url);
          const argv = typeof tool.argv === 'function' ? tool.argv() : tool.argv;
          // Samples are stamped with the run's start in whole milliseconds; a second of slack for rounding.
          const since = Date.now() - 1000;
          const run = measure(measurer, argv);
          if (run.exitCode !== 0) fail(`${tool.name} exited ${run.exitCode} on ${rows} rows: ${argv.join(' ')}`);
          const landed = tool.landed === undefined ? await seriesLanded(gateway.url) : await tool.landed(since);
          if (landed !== rows) fail(`${tool.name} landed ${landed} of ${rows} series`);
          runs.get(tool.name).push(run);
        }
      }
      for (const tool of tools) {
        const toolRuns = runs.get(tool.name);
        results.push({
          rows,
          tool: tool.name,
          medianMs: median(toolRuns.map((run) => run.wallMs)),
          peakRssMb: Math.max(...toolRuns.map((run) => run.maxRssKb)) / 1024,
          runs: toolRuns.length,
        });
      }
    }
    await wipe(gateway.url);
  } finally {
    await gateway.stop();
    await victoria.stop();
  }

  const startup = startupFigures(measurer, scale);
  const pythonVersion = peer === undefined ? 'none with prometheus_client' : spawnSync(peer, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Node.js ${process.version}; ${pythonVersion}; ${gatewayVersion}; ${victoriaVersion}`;
  const report = renderReport(results, startup, machine);
  writeFileSync(join(outDir, 'results.md'), report);
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ machine, results, startup }, null, 2));
  process.stdout.write(report);
}

/** --help and a usage error against a bare `node -e ''`, the floor of any Node.js command. */
function startupFigures(measurer, scale) {
  const repetitions = Math.max(5, Math.round(21 * scale));
  const commands = [
    { name: "node -e ''", argv: [process.execPath, '-e', ''] },
    { name: 'csv-push --help', argv: [process.execPath, bin, '--help'] },
    { name: 'csv-push (usage error)', argv: [process.execPath, bin, 'data.csv'] },
  ];
  const times = new Map(commands.map((command) => [command.name, []]));
  for (let round = 0; round < repetitions; round++) {
    for (const command of commands) times.get(command.name).push(measure(measurer, command.argv).wallMs);
  }
  return commands.map((command) => ({ command: command.name, medianMs: median(times.get(command.name)) }));
}

function renderReport(results, startup, machine) {
  const lines = [
    `Machine: ${machine}`,
    '',
    '| rows | tool | median s | vs curl | vs Python | vs node floor | peak RSS MB | RSS vs Python | runs |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const isRemoteWrite = (result) => result.tool.startsWith('csv-push remote write');
  for (const result of results.filter((one) => !isRemoteWrite(one))) {
    const curl = results.find((other) => other.rows === result.rows && other.tool === 'curl (limit)');
    const python = results.find((other) => other.rows === result.rows && other.tool === 'python client');
    const floor = results.find((other) => other.rows === result.rows && other.tool === 'node floor');
    lines.push(
      `| ${result.rows.toLocaleString('en-US')} | ${result.tool} | ${formatSeconds(result.medianMs)} | ${formatRatio(result.medianMs, curl?.medianMs)} | ${formatRatio(result.medianMs, python?.medianMs)} | ${formatRatio(result.medianMs, floor?.medianMs)} | ${result.peakRssMb.toFixed(0)} | ${formatRatio(result.peakRssMb, python?.peakRssMb)} | ${result.runs} |`,
    );
  }
  lines.push('', '| rows | destination | median s | vs Pushgateway push | peak RSS MB | RSS vs Pushgateway push | runs |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const result of results.filter((one) => one.tool === 'csv-push' || isRemoteWrite(one))) {
    const push = results.find((other) => other.rows === result.rows && other.tool === 'csv-push');
    const name = result.tool === 'csv-push' ? 'csv-push to the Pushgateway' : result.tool;
    lines.push(
      `| ${result.rows.toLocaleString('en-US')} | ${name} | ${formatSeconds(result.medianMs)} | ${formatRatio(result.medianMs, push?.medianMs)} | ${result.peakRssMb.toFixed(0)} | ${formatRatio(result.peakRssMb, push?.peakRssMb)} | ${result.runs} |`,
    );
  }
  // Flat memory: each remote-write size beside the 100,000-row run of the same kind.
  for (const tool of ['csv-push remote write (new series)', 'csv-push remote write (known series)']) {
    const base = results.find((one) => one.tool === tool && one.rows === 100_000);
    const largest = results.filter((one) => one.tool === tool).at(-1);
    if (base !== undefined && largest !== undefined && largest !== base) {
      lines.push('', `${tool}: peak RSS at ${largest.rows.toLocaleString('en-US')} rows ${largest.peakRssMb.toFixed(0)} MB, ${formatRatio(largest.peakRssMb, base.peakRssMb)} the 100,000-row run.`);
    }
  }
  const floor = startup[0].medianMs;
  lines.push('', "| start-up | median ms | vs node -e '' |", '| --- | ---: | ---: |');
  for (const entry of startup) lines.push(`| ${entry.command} | ${entry.medianMs.toFixed(1)} | ${formatRatio(entry.medianMs, floor)} |`);
  return `${lines.join('\n')}\n`;
}

await main();
