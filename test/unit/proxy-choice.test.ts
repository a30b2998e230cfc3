import { afterEach, describe, expect, it } from 'vitest';
import { proxyChooser, PROXY_VARIABLES } from '../../src/cli/proxy-choice.js';

// proxy-from-env reads process.env itself, so each case sets it and puts it back.
const saved = Object.fromEntries([...PROXY_VARIABLES, 'no_proxy', 'NO_PROXY'].map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function proxyFor(target: string, env: Record<string, string>, option?: string | boolean): Promise<string | undefined> {
  for (const name of Object.keys(saved)) delete process.env[name];
  Object.assign(process.env, env);
  const choose = await proxyChooser(option, process.env);
  return choose?.(new URL(target))?.href;
}

describe('which proxy a request takes', () => {
  it('follows the scheme of the request, lower case first, then ALL_PROXY', async () => {
    const env = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2', HTTP_PROXY: 'http://plain:3', ALL_PROXY: 'http://all:4' };
    expect(await proxyFor('https://gw:9091', env)).toBe('http://lower:1/');
    expect(await proxyFor('http://gw:9091', env)).toBe('http://plain:3/');
    expect(await proxyFor('http://gw:9091', { all_proxy: 'http://all:4' })).toBe('http://all:4/');
    expect(await proxyFor('https://gw:9091', {})).toBeUndefined();
  });

  it('reads a proxy without a scheme as http://, as curl does', async () => {
    expect(await proxyFor('https://gw:9091', { HTTPS_PROXY: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128/');
    expect(await proxyFor('https://gw:9091', { HTTPS_PROXY: 'https://proxy.corp:3128' })).toBe('https://proxy.corp:3128/');
    expect(await proxyFor('http://gw:9091', { all_proxy: 'proxy.corp:3128' })).toBe('http://proxy.corp:3128/');
    // Only the variable that was read counts: an https:// proxy stays one when another variable has the bare form.
    expect(await proxyFor('https://gw:9091', { https_proxy: 'https://proxy.corp:3128', ALL_PROXY: 'proxy.corp:3128' })).toBe('https://proxy.corp:3128/');
  });

  it('goes directly for NO_PROXY hosts, IP addresses, dotted domains, host:port and *', async () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'gw.example, .corp.example,10.1.2.3,*.lan,other:8443' };
    expect(await proxyFor('https://gw.example:9091', env)).toBeUndefined();
    expect(await proxyFor('https://push.corp.example', env)).toBeUndefined();
    expect(await proxyFor('https://10.1.2.3:9091', env)).toBeUndefined();
    expect(await proxyFor('https://box.lan', env)).toBeUndefined();
    expect(await proxyFor('https://other:8443', env)).toBeUndefined();
    expect(await proxyFor('https://other:9091', env)).toBe('http://p:1/');
    expect(await proxyFor('https://gw.example.evil', env)).toBe('http://p:1/');
    expect(await proxyFor('https://anything', { HTTPS_PROXY: 'http://p:1', no_proxy: '*' })).toBeUndefined();
  });

  it('--proxy wins over the environment, and --no-proxy or --proxy \'\' turns every proxy off', async () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'gw' };
    expect(await proxyFor('https://gw:9091', env, 'explicit:3128')).toBe('http://explicit:3128/');
    expect(await proxyFor('https://other:9091', env, false)).toBeUndefined();
    expect(await proxyFor('https://other:9091', env, '')).toBeUndefined();
  });

  it('refuses proxies it cannot speak to', async () => {
    await expect(proxyFor('https://gw', {}, 'socks5://127.0.0.1:1080')).rejects.toThrow('--proxy: socks5 proxies are not supported');
    await expect(proxyFor('https://gw', { ALL_PROXY: 'socks5h://127.0.0.1:1080' })).rejects.toThrow('socks5h proxies are not supported');
  });
});
