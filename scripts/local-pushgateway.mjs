// Starts a real prometheus-pushgateway on a free loopback port: for the tests and the benchmark.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export const PUSHGATEWAY_BINARY = process.env.PUSHGATEWAY_BINARY ?? 'prometheus-pushgateway';

/** A loopback port nobody listens on right now. */
export function freePort() {
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

export function requirePushgatewayBinary() {
  const probe = spawnSync(PUSHGATEWAY_BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    throw new Error(
      `${PUSHGATEWAY_BINARY} is not installed, and a real Pushgateway is needed: run \`apt-get update && apt-get install -y prometheus-pushgateway\` (as .ci/run does), or set PUSHGATEWAY_BINARY`,
    );
  }
  return `${probe.stdout}${probe.stderr}`.split('\n')[0]?.trim() ?? '';
}

/**
 * Starts the gateway with its admin API (to wipe it) and no persistence, and waits until
 * `probe(url)` succeeds. Retries on another port if the chosen one was taken meanwhile.
 */
export async function startLocalPushgateway({ args = [], scheme = 'http', prefix = '', probe }) {
  requirePushgatewayBinary();
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const child = spawn(
      PUSHGATEWAY_BINARY,
      [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--web.enable-admin-api', '--log.level=warn', ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr.on('data', (chunk) => (log += chunk.toString()));
    const url = `${scheme}://127.0.0.1:${port}${prefix}`;
    const deadline = Date.now() + 10_000;
    let ready = false;
    while (!ready && Date.now() < deadline && child.exitCode === null) {
      try {
        await probe(`${url}/api/v1/status`);
        ready = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const stop = () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          });
    if (ready) return { url, port, stop };
    await stop();
    if (tries < 3 && /address already in use/.test(log)) continue;
    throw new Error(`the Pushgateway did not start on port ${port}: ${log.trim()}`);
  }
}
