import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startLocalService, type LocalService } from '../../scripts/local-services.mjs';
import { useService } from './receivers.js';

/** A real HTTP proxy (Debian's tinyproxy) on a free loopback port; `requests()` is its log's request lines. */
export interface RunningProxy extends LocalService {
  /** `PUT http://127.0.0.1:PORT/metrics/job/x HTTP/1.1`, `CONNECT 127.0.0.1:PORT HTTP/1.1`, ... in order. */
  requests(): string[];
}

/** Any answer, tinyproxy's 400 for a request without a host included, means it is listening. */
function anyAnswer(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = request(url, (response) => {
      response.resume();
      resolve();
    });
    probe.on('error', reject);
    probe.end();
  });
}

/** `basicAuth`: demand this user and password (tinyproxy answers a wrong one with 401, not 407). */
export async function startTinyproxy(options: { readonly basicAuth?: { readonly user: string; readonly password: string } } = {}): Promise<RunningProxy> {
  const service = await startLocalService({
    name: 'tinyproxy',
    binary: 'tinyproxy',
    debianPackage: 'tinyproxy',
    // No ConnectPort lines: CONNECT to any port (the gateway's is a random one); LogLevel Connect logs every request line.
    args: (port, directory) => {
      const config = join(directory, 'tinyproxy.conf');
      writeFileSync(
        config,
        [`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 30', `LogFile "${join(directory, 'access.log')}"`, 'LogLevel Connect', 'MaxClients 50', 'Allow 127.0.0.1',
          ...(options.basicAuth === undefined ? [] : [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`]), ''].join('\n'),
      );
      writeFileSync(join(directory, 'access.log'), '');
      return ['-d', '-c', config];
    },
    readyPath: '/',
    probe: anyAnswer,
  });
  return {
    ...service,
    requests: () =>
      readFileSync(join(service.directory, 'access.log'), 'utf8')
        .split('\n')
        .map((line) => /Request \(file descriptor \d+\): (.*)$/.exec(line)?.[1])
        .filter((line): line is string => line !== undefined),
  };
}

/** tinyproxy for the test file that calls it. */
export function useTinyproxy(): { current(): RunningProxy } {
  return useService(() => startTinyproxy()) as { current(): RunningProxy };
}
