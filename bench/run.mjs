// npm run bench: csv-push beside its peers, on one machine, in one run, interleaved, on each
// Node.js version users run (20, 22 and 24: pinned in scripts/fetch-node.sh, fetched from the
// npm registry and cached in .cache/node/ as the CI does).
//
// For each CSV size (4 label columns, every row unique) it times, several rounds, each round
// every tool once (the order rotates from round to round, so noise hits all alike):
// - csv-push, as a cron job runs it (node bin/csv-push.js ... -q), on each Node.js version;
// - the card-stack floor (bench/peers/card_stack_floor.mjs), on each version: commander,
//   csv-parse, prom-client and chalk loaded, one gauge sample per row, registry.metrics() PUT
//   with node:http: the least any tool built on these libraries can cost;
// - a minimal Node.js pusher (bench/peers/node_floor.cjs), on each version, on small files:
//   Node's own floor;
// - curl PUT of the same exposition text rendered beforehand: the gateway's own ingest limit;
// - Python prometheus_client, one push_to_gateway for the whole file (when a python3 has it);
// - the blog article's pusher, one push per row (on the 100- and 1,000-row files only).
// The gateway is emptied before every run, and every run must land every series. It prints, per
// size, medians and ratios to Python per Node.js version, peak RSS, then a table per version,
// and start-up figures (`--help`) per version.
// Remote write has a bench of its own, beside VictoriaMetrics' CSV import and a bare-Node floor:
// bench/remote-write.mjs (npm run bench:remote-write).
//
// Environment (for a quicker subset; the full run takes a while):
//   BENCH_SIZES=100,10000      sizes (default 100,1000,10000,100000; 1000000 on request)
//   BENCH_REPS_SCALE=0.5       fewer rounds (at least one)
//   BENCH_NODES=22,24          Node.js versions (default 20,22,24)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePushgatewayBinary, startLocalPushgateway } from '../scripts/local-pushgateway.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
const bin = join(root, 'bin', 'csv-push.js');
const METRIC = 'bench_rows';
const DEFAULT_SIZES = [100, 1_000, 10_000, 100_000];
const REPETITIONS = { 100: 15, 1_000: 9, 10_000: 7, 100_000: 5, 1_000_000: 3 };
const ARTICLE_SIZES = new Set([100, 1_000]);
const NODE_FLOOR_SIZES = new Set([100, 1_000, 10_000]);
const DEFAULT_NODES = ['20', '22', '24'];

/** Ends the run by an error, so that the `finally` of main stops the gateway it started. */
class BenchFailure extends Error {}

function fail(message) {
  throw new BenchFailure(message);
}

function findPython() {
  const candidates = ['/usr/bin/python3', 'python3'];
  const usable = candidates.filter((python) => spawnSync(python, ['-c', 'import os'], { stdio: 'ignore' }).status === 0);
  if (usable.length === 0) fail('python3 is needed to measure peak RSS (bench/measure.py); install python3');
  const withClient = usable.find((python) => spawnSync(python, ['-c', 'import prometheus_client'], { stdio: 'ignore' }).status === 0);
  // The ratios are to the Python client: without it the bench has nothing to say.
  if (withClient === undefined) fail("Python's prometheus_client is needed as the peer: apt-get install -y python3-prometheus-client (used with /usr/bin/python3)");
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


/**
 * The node binary of each Node.js version asked for: this one when it is the pinned build,
 * otherwise scripts/fetch-node.sh's (fetched once, then cached). A version it cannot get ends the run.
 */
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
  const gatewayVersion = requirePushgatewayBinary();
  requireTool('curl', 'apt-get install -y curl');
  const { measurer, peer } = findPython();
  if (!existsSync(join(root, 'dist', 'cli.js'))) fail('build first: npm run build');
  const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : DEFAULT_SIZES;
  const scale = Number(process.env.BENCH_REPS_SCALE ?? 1);
  const nodes = resolveNodes(process.env.BENCH_NODES ? process.env.BENCH_NODES.split(',') : DEFAULT_NODES);

  const gateway = await startLocalPushgateway({
    probe: async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
    },
  });
  const hostPort = `127.0.0.1:${gateway.port}`;
  const results = [];
  try {
    for (const rows of sizes) {
      const csv = writeCsv(rows);
      const body = join(outDir, `body_${rows}.prom`);
      const rendered = spawnSync(process.execPath, [bin, csv, '--job', 'render', '--metric', METRIC, '--dry-run', '-q'], { maxBuffer: 1 << 30 });
      if (rendered.status !== 0) fail(`csv-push --dry-run failed on ${csv}: ${rendered.stderr}`);
      writeFileSync(body, rendered.stdout);

      const job = 'bench';
      const tools = [
        ...nodes.flatMap(({ major, node }) => [
          { name: 'csv-push', major, argv: [node, bin, csv, '--job', job, '--gateway', gateway.url, '--metric', METRIC, '--timeout', '300', '-q'] },
          { name: 'card-stack floor', major, argv: [node, join(root, 'bench', 'peers', 'card_stack_floor.mjs'), csv, hostPort, job, METRIC] },
          ...(NODE_FLOOR_SIZES.has(rows) ? [{ name: 'node floor', major, argv: [node, join(root, 'bench', 'peers', 'node_floor.cjs'), csv, hostPort, job, METRIC] }] : []),
        ]),
        { name: 'curl (limit)', argv: ['curl', '-sf', '-o', '/dev/null', '-X', 'PUT', '--data-binary', `@${body}`, `${gateway.url}/metrics/job/${job}`] },
        ...(peer === undefined ? [] : [{ name: 'python client', argv: [peer, join(root, 'bench', 'peers', 'python_push_once.py'), csv, hostPort, job, METRIC] }]),
        ...(peer !== undefined && ARTICLE_SIZES.has(rows)
          ? [{ name: 'article pusher', argv: [peer, join(root, 'bench', 'peers', 'article_pusher.py'), csv, hostPort, job, METRIC] }]
          : []),
      ];
      const label = (tool) => (tool.major === undefined ? tool.name : `${tool.name} (Node ${tool.major})`);
      const repetitions = Math.max(1, Math.round((REPETITIONS[rows] ?? 5) * scale));
      const runs = new Map(tools.map((tool) => [tool, []]));
      process.stderr.write(`${rows} rows: ${repetitions} rounds of ${tools.length} tools\n`);
      for (let round = 0; round < repetitions; round++) {
        // Each round starts one tool later, so no tool always runs right after the same one.
        for (let index = 0; index < tools.length; index++) {
          const tool = tools[(index + round) % tools.length];
          await wipe(gateway.url);
          const argv = tool.argv;
          const run = measure(measurer, argv);
          if (run.exitCode !== 0) fail(`${label(tool)} exited ${run.exitCode} on ${rows} rows: ${argv.join(' ')}`);
          const landed = await seriesLanded(gateway.url);
          if (landed !== rows) fail(`${label(tool)} landed ${landed} of ${rows} series`);
          runs.get(tool).push(run);
        }
      }
      for (const tool of tools) {
        const toolRuns = runs.get(tool);
        results.push({
          rows,
          tool: tool.name,
          node: tool.major,
          medianMs: median(toolRuns.map((run) => run.wallMs)),
          peakRssMb: Math.max(...toolRuns.map((run) => run.maxRssKb)) / 1024,
          runs: toolRuns.length,
        });
      }
      // Kept size by size, so a run cut short still leaves what it measured.
      writeFileSync(join(outDir, 'results-partial.json'), JSON.stringify({ nodes, results }, null, 2));
    }
    await wipe(gateway.url);
  } finally {
    await gateway.stop();
  }

  const startup = startupFigures(measurer, scale, nodes, peer);
  const pythonVersion = peer === undefined ? 'none with prometheus_client' : spawnSync(peer, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const versions = nodes.map(({ version }) => `Node.js ${version}`).join(', ');
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ${versions}; ${pythonVersion}; ${gatewayVersion}`;
  const report = renderReport(results, startup, machine, nodes);
  writeFileSync(join(outDir, 'results.md'), report);
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ machine, nodes, results, startup }, null, 2));
  process.stdout.write(report);
}

/** Start-up per Node.js version: a bare `node -e ''`, --help, a usage error; Python importing its client. */
function startupFigures(measurer, scale, nodes, peer) {
  const repetitions = Math.max(5, Math.round(21 * scale));
  const commands = [
    ...nodes.flatMap(({ major, node }) => [
      { name: "node -e ''", major, argv: [node, '-e', ''] },
      { name: 'csv-push --help', major, argv: [node, bin, '--help'] },
      { name: 'csv-push (usage error)', major, argv: [node, bin, 'data.csv'] },
    ]),
    ...(peer === undefined ? [] : [{ name: 'python3 -c "import prometheus_client"', argv: [peer, '-c', 'import prometheus_client'] }]),
  ];
  const times = new Map(commands.map((command) => [command, []]));
  for (let round = 0; round < repetitions; round++) {
    for (let index = 0; index < commands.length; index++) {
      const command = commands[(index + round) % commands.length];
      times.get(command).push(measure(measurer, command.argv).wallMs);
    }
  }
  return commands.map((command) => ({ command: command.name, node: command.major, medianMs: median(times.get(command)) }));
}

function renderReport(results, startup, machine, nodes) {
  const find = (rows, tool, node) => results.find((one) => one.rows === rows && one.tool === tool && one.node === node);
  const sizes = [...new Set(results.map((one) => one.rows))];
  const count = (rows) => rows.toLocaleString('en-US');
  const lines = [`Machine: ${machine}`, ''];

  lines.push(
    'Median wall time in seconds, and the ratio to the Python client in the same run:',
    '',
    `| rows | Python client | curl (limit) | ${nodes.map(({ major }) => `csv-push, Node ${major}`).join(' | ')} | ${nodes.map(({ major }) => `card-stack floor, Node ${major}`).join(' | ')} |`,
    `| ---: | ---: | ---: |${' ---: |'.repeat(nodes.length * 2)}`,
  );
  for (const rows of sizes) {
    const python = find(rows, 'python client');
    const cell = (result) => (result === undefined ? '-' : `${formatSeconds(result.medianMs)} (${formatRatio(result.medianMs, python?.medianMs)})`);
    const curl = find(rows, 'curl (limit)');
    lines.push(
      `| ${count(rows)} | ${python === undefined ? '-' : formatSeconds(python.medianMs)} | ${cell(curl)} | ${nodes.map(({ major }) => cell(find(rows, 'csv-push', major))).join(' | ')} | ${nodes.map(({ major }) => cell(find(rows, 'card-stack floor', major))).join(' | ')} |`,
    );
  }
  lines.push('', 'Peak RSS in MB, and the ratio to the Python client:', '', `| rows | Python client | ${nodes.map(({ major }) => `csv-push, Node ${major}`).join(' | ')} |`, `| ---: | ---: |${' ---: |'.repeat(nodes.length)}`);
  for (const rows of sizes) {
    const python = find(rows, 'python client');
    const cell = (result) => (result === undefined ? '-' : `${result.peakRssMb.toFixed(0)} (${formatRatio(result.peakRssMb, python?.peakRssMb)})`);
    lines.push(`| ${count(rows)} | ${python === undefined ? '-' : python.peakRssMb.toFixed(0)} | ${nodes.map(({ major }) => cell(find(rows, 'csv-push', major))).join(' | ')} |`);
  }

  for (const { major, version } of nodes) {
    lines.push(
      '',
      `Node.js ${version}, every peer of the same run:`,
      '',
      '| rows | tool | median s | vs curl | vs Python | vs card-stack floor | vs node floor | peak RSS MB | RSS vs Python | runs |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const result of results.filter((one) => one.node === major || one.node === undefined)) {
      const curl = find(result.rows, 'curl (limit)');
      const python = find(result.rows, 'python client');
      const cardStack = find(result.rows, 'card-stack floor', major);
      const floor = find(result.rows, 'node floor', major);
      lines.push(
        `| ${count(result.rows)} | ${result.tool} | ${formatSeconds(result.medianMs)} | ${formatRatio(result.medianMs, curl?.medianMs)} | ${formatRatio(result.medianMs, python?.medianMs)} | ${formatRatio(result.medianMs, cardStack?.medianMs)} | ${formatRatio(result.medianMs, floor?.medianMs)} | ${result.peakRssMb.toFixed(0)} | ${formatRatio(result.peakRssMb, python?.peakRssMb)} | ${result.runs} |`,
      );
    }
  }

  const startupOf = (command, major) => startup.find((one) => one.command === command && one.node === major);
  lines.push('', `| start-up, median ms | ${nodes.map(({ major }) => `Node ${major}`).join(' | ')} |`, `| --- |${' ---: |'.repeat(nodes.length)}`);
  for (const command of ["node -e ''", 'csv-push --help', 'csv-push (usage error)']) {
    lines.push(
      `| ${command} | ${nodes
        .map(({ major }) => {
          const entry = startupOf(command, major);
          const floor = startupOf("node -e ''", major);
          return entry === undefined ? '-' : `${entry.medianMs.toFixed(1)}${command === "node -e ''" ? '' : ` (${formatRatio(entry.medianMs, floor?.medianMs)} node -e '')`}`;
        })
        .join(' | ')} |`,
    );
  }
  const python = startup.find((one) => one.node === undefined);
  if (python !== undefined) lines.push('', `${python.command}: ${python.medianMs.toFixed(1)} ms.`);
  return `${lines.join('\n')}\n`;
}

try {
  await main();
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
}
