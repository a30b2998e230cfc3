// Starts real Prometheus, VictoriaMetrics, vmagent and node_exporter on free loopback ports, each in
// a temporary directory of its own: for the tests and the benchmark.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './local-pushgateway.mjs';

/**
 * Throws, saying how to install it, when `binary` is not on the PATH. Looked up rather than run:
 * `victoria-metrics --version` would start a server.
 */
export function requireBinary(binary, debianPackage) {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(directory, binary), constants.X_OK);
      return;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${binary} is not installed, and these tests need the real one: run \`apt-get update && apt-get install -y ${debianPackage}\` (as .ci/run does)`,
  );
}

async function plainProbe(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
}

/**
 * Spawns `binary` with `args(port, directory)` and waits until `readyPath` answers. Retries on
 * another port if the chosen one was taken meanwhile (unless `port` is given: a restarted node
 * must come back where its clients send); stop() ends it and removes its own directory.
 */
export async function startLocalService({ name, binary, debianPackage, args, readyPath, scheme = 'http', probe = plainProbe, directory, port: fixedPort }) {
  requireBinary(binary, debianPackage);
  const ownDirectory = directory === undefined;
  const workDirectory = directory ?? mkdtempSync(join(tmpdir(), `csv-push-${binary}-`));
  for (let tries = 0; ; tries++) {
    const port = fixedPort ?? (await freePort());
    const child = spawn(binary, args(port, workDirectory), { stdio: ['ignore', 'ignore', 'pipe'] });
    // A caller that exits early (a failed benchmark calls process.exit) must not leave it running.
    const killOnExit = () => {
      child.kill('SIGKILL');
      if (ownDirectory) rmSync(workDirectory, { recursive: true, force: true });
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    let log = '';
    child.stderr.on('data', (chunk) => (log = (log + chunk.toString()).slice(-20_000)));
    const url = `${scheme}://127.0.0.1:${port}`;
    // Generous: two shared cores, and Prometheus opens its TSDB before it is ready.
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!ready && Date.now() < deadline && child.exitCode === null) {
      try {
        await probe(`${url}${readyPath}`);
        ready = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    const stopProcess = () =>
      exited()
        ? Promise.resolve()
        : new Promise((resolve) => {
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            child.kill('SIGTERM');
          });
    const stop = async () => {
      await stopProcess();
      if (ownDirectory) rmSync(workDirectory, { recursive: true, force: true });
    };
    if (ready) return { url, port, directory: workDirectory, stop, log: () => log };
    await stopProcess();
    if (tries < 3 && fixedPort === undefined && /address already in use/.test(log)) continue;
    if (ownDirectory) rmSync(workDirectory, { recursive: true, force: true });
    throw new Error(`${name} did not start on port ${port}: ${log.trim().slice(-2000)}`);
  }
}

/**
 * Prometheus with its remote-write receiver at `/api/v1/write`, scraping nothing. `dataDirectory`:
 * its TSDB (--storage.tsdb.path), such as one promtool wrote blocks into; default: its own.
 */
export function startLocalPrometheus({ args = [], scheme, probe, dataDirectory } = {}) {
  return startLocalService({
    name: 'Prometheus',
    binary: 'prometheus',
    debianPackage: 'prometheus',
    args: (port, directory) => {
      writeFileSync(join(directory, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
      return [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${dataDirectory ?? join(directory, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        '--log.level=warn',
        ...args,
      ];
    },
    readyPath: '/-/ready',
    scheme,
    probe,
  });
}

/**
 * VictoriaMetrics (single node), remote write at `/api/v1/write`. A retention of 100 years,
 * because rows with old timestamps fall outside the default month and would be dropped. Given
 * `directory` and `port`, it starts over the data a stopped one left there, at its address.
 */
export function startLocalVictoriaMetrics({ args = [], directory, port } = {}) {
  return startLocalService({
    name: 'VictoriaMetrics',
    binary: 'victoria-metrics',
    debianPackage: 'victoria-metrics',
    args: (port, directory) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${directory}`,
      '-search.latencyOffset=0s',
      '-retentionPeriod=100y',
      '-loggerLevel=ERROR',
      ...args,
    ],
    readyPath: '/health',
    directory,
    port,
  });
}

/**
 * vmagent taking remote write at `/api/v1/write` and replicating every sample to each of
 * `remoteWriteUrls`, queueing on disk in its own directory while one of them is down. Flushed
 * every 100 ms (default 1 s) so that tests wait less; its warnings (a failed send) go to log().
 */
export function startLocalVmagent({ remoteWriteUrls, args = [] }) {
  return startLocalService({
    name: 'vmagent',
    binary: 'vmagent',
    debianPackage: 'victoria-metrics',
    args: (port, directory) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      ...remoteWriteUrls.map((url) => `-remoteWrite.url=${url}`),
      `-remoteWrite.tmpDataPath=${directory}`,
      '-remoteWrite.flushInterval=100ms',
      '-loggerLevel=WARN',
      ...args,
    ],
    readyPath: '/health',
  });
}

/** node_exporter with only its textfile collector, reading `*.prom` files in `textfileDirectory`. */
export function startLocalNodeExporter({ textfileDirectory }) {
  return startLocalService({
    name: 'node_exporter',
    binary: 'prometheus-node-exporter',
    debianPackage: 'prometheus-node-exporter',
    args: (port) => [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.textfile',
      `--collector.textfile.directory=${textfileDirectory}`,
      '--log.level=warn',
    ],
    readyPath: '/metrics',
    directory: textfileDirectory,
  });
}
