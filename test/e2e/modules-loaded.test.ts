import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, FIXTURES } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';
import { useVictoriaMetrics } from '../helpers/receivers.js';

// Start-up stays lean: a run loads only its own destination's modules. Node's public module
// hooks (module.register, from an --import) record every module the run imports; at exit, the
// CommonJS files in require.cache and Node's own modules (process.moduleLoadList, as
// `internal:<id>`) are added, for what is loaded with require().

const work = mkdtempSync(join(tmpdir(), 'csv-push-modules-'));

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOG, resolved.url + '\\n');
  return resolved;
}`;
const REGISTER = `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});
process.on('exit', () => {
  const required = Object.keys(createRequire(process.cwd() + '/').cache).map((path) => 'file://' + path);
  const internal = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => 'internal:' + entry.slice('NativeModule '.length));
  appendFileSync(process.env.MODULE_LOG, [...required, ...internal].join('\\n') + '\\n');
});`;

let runs = 0;

/**
 * Runs the CLI and returns its exit code and the modules it loaded: package names, node: builtins
 * imported, Node's own modules loaded in any way (`internal:http`), and files under dist/; `urls`
 * keeps the files themselves.
 */
function modulesOf(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): { code: number | null; stderr: string; modules: string[]; urls: string[] } {
  const log = join(work, `run-${++runs}.log`);
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args], {
    cwd: FIXTURES,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', MODULE_LOG: log, ...extraEnv },
    encoding: 'utf8',
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const modules = urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? /\/dist\/(.+)$/.exec(url)?.[1] ?? url);
  return { code: result.status, stderr: result.stderr, modules: [...new Set(modules)], urls };
}

const REMOTE_WRITE = ['protobufjs', 'snappyjs', 'remote-write/sender.js', 'remote-write/write-request.js', 'destinations/remote-write.js'];
const GATEWAY_TRANSPORT = [
  'node:http', 'node:https', 'transport/send.js', 'transport/request.js', 'transport/transport-files.js', 'transport/proxy.js',
  'transport/system-ca.js', 'cli/proxy-choice.js', 'destinations/pushgateway.js',
];
/** The proxy libraries: proxy-from-env only when a *_PROXY variable is set, the agents only when a request goes through a proxy. */
const PROXY_AGENTS = ['http-proxy-agent', 'https-proxy-agent', 'agent-base'];

describe('the modules a run loads', () => {
  const { gateway, uniqueJob } = useGateway();
  const victoria = useVictoriaMetrics();

  it('a Pushgateway push loads the gateway transport and none of remote write or the textfile', () => {
    const run = modulesOf(['example_data.csv', '--job', uniqueJob(), '--gateway', gateway.url, '-q']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.modules).toEqual(expect.arrayContaining(['internal:http', 'transport/send.js', 'destinations/pushgateway.js', 'prom-client']));
    for (const module of [...REMOTE_WRITE, 'destinations/textfile.js', 'textfile/write-textfile.js', 'node:https', 'cli-progress', 'picomatch']) {
      expect(run.modules, module).not.toContain(module);
    }
  });

  it('a push loads neither undici (an import of node:http would, on Node.js 22 and later) nor chalk (stderr is no terminal), and csv-parse as its one CommonJS file', () => {
    const run = modulesOf(['example_data.csv', '--job', uniqueJob(), '--gateway', gateway.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('pushed');
    expect(run.modules).toEqual(expect.arrayContaining(['internal:http', 'csv-parse', 'prom-client', 'commander']));
    for (const module of ['internal:internal/deps/undici/undici', 'internal:http2', 'chalk']) expect(run.modules, module).not.toContain(module);
    expect(run.urls.filter((url) => url.includes('/node_modules/csv-parse/'))).toEqual([expect.stringMatching(/\/csv-parse\/dist\/cjs\/index\.cjs$/)]);
    // With FORCE_COLOR the messages are coloured, by chalk.
    const coloured = modulesOf(['example_data.csv', '--job', uniqueJob(), '--gateway', gateway.url], { FORCE_COLOR: '1' });
    expect(coloured.code, coloured.stderr).toBe(0);
    expect(coloured.modules).toContain('chalk');
    expect(coloured.stderr).toContain('\u001b[32m✔');
  });

  it('a push with no proxy variable loads no proxy library; one whose gateway is in NO_PROXY loads proxy-from-env but no agent', () => {
    const direct = modulesOf(['example_data.csv', '--job', uniqueJob(), '--gateway', gateway.url, '-q']);
    expect(direct.code, direct.stderr).toBe(0);
    for (const module of ['proxy-from-env', ...PROXY_AGENTS]) expect(direct.modules, module).not.toContain(module);
    const bypassed = modulesOf(['example_data.csv', '--job', uniqueJob(), '--gateway', gateway.url, '-q'], { http_proxy: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' });
    expect(bypassed.code, bypassed.stderr).toBe(0);
    expect(bypassed.modules).toContain('proxy-from-env');
    for (const module of PROXY_AGENTS) expect(bypassed.modules, module).not.toContain(module);
  });

  it('a request that goes through a proxy loads the agent for its scheme only', () => {
    // Port 9 on loopback: nothing listens, so the run fails reaching the proxy, after loading its agent.
    const proxied = modulesOf(['example_data.csv', '--job', uniqueJob(), '--gateway', gateway.url, '-q', '--retries', '0'], { http_proxy: 'http://127.0.0.1:9' });
    expect(proxied.code, proxied.stderr).toBe(1);
    expect(proxied.stderr).toContain('cannot reach the proxy at http://127.0.0.1:9');
    expect(proxied.modules).toEqual(expect.arrayContaining(['proxy-from-env', 'http-proxy-agent', 'agent-base']));
    // (agent-base, under both agents, loads node:https itself.)
    expect(proxied.modules).not.toContain('https-proxy-agent');
  });

  it('--textfile loads neither the gateway transport nor remote write', () => {
    const run = modulesOf(['example_data.csv', '--textfile', join(work, 'example.prom'), '-q']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.modules).toEqual(expect.arrayContaining(['destinations/textfile.js', 'textfile/write-textfile.js', 'textfile/file-mode.js']));
    for (const module of [...REMOTE_WRITE, ...GATEWAY_TRANSPORT]) expect(run.modules, module).not.toContain(module);
  });

  it('--remote-write loads remote write and not the Pushgateway destination or the textfile', () => {
    const run = modulesOf(['example_data.csv', '--remote-write', victoria.current().url, '-q']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.modules).toEqual(expect.arrayContaining(REMOTE_WRITE));
    for (const module of ['destinations/pushgateway.js', 'destinations/textfile.js', 'textfile/write-textfile.js']) expect(run.modules, module).not.toContain(module);
  });

  it('picomatch loads only when a column option is a pattern', () => {
    const exact = modulesOf(['value_columns.csv', '--job', uniqueJob(), '--gateway', gateway.url, '--value-column', 'cpu', '--dry-run', '-q']);
    expect(exact.code, exact.stderr).toBe(0);
    expect(exact.modules).not.toContain('picomatch');
    const pattern = modulesOf(['value_columns.csv', '--job', uniqueJob(), '--gateway', gateway.url, '--value-column', 'c*', '--dry-run', '-q']);
    expect(pattern.code, pattern.stderr).toBe(0);
    expect(pattern.modules).toContain('picomatch');
  });

  it('luxon loads only with --timestamp-format or --timezone', () => {
    const base = ['timestamped_rows.csv', '--remote-write', victoria.current().url, '--timestamp-column', 'time', '--dry-run', '-q'];
    const plain = modulesOf(base);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.modules).not.toContain('luxon');
    const zoned = modulesOf([...base, '--timezone', 'Europe/Berlin']);
    expect(zoned.code, zoned.stderr).toBe(0);
    expect(zoned.modules).toContain('luxon');
  });

  it('--help and a usage error load commander and the command line, not the library', () => {
    for (const args of [['--help'], ['example_data.csv']]) {
      const run = modulesOf(args);
      expect(run.modules, args.join(' ')).toContain('commander');
      for (const module of ['chalk', 'csv-parse', 'prom-client', 'index.js', 'pipeline/run.js', 'node:http', 'destinations/choose.js']) {
        expect(run.modules, `${args.join(' ')}: ${module}`).not.toContain(module);
      }
    }
  });
});
