import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { RunningGateway } from '../helpers/pushgateway.js';
import { startSecuredGateway } from '../helpers/secured-gateway.js';
import { makePki } from '../helpers/tls.js';

// A company CA installed the way Debian and Ubuntu do it, trusted by curl and by csv-push alike,
// on whichever Node runs this file (CI runs it on 20, 22 and 24).

const ANCHOR = `/usr/local/share/ca-certificates/csv-push-test-${process.pid}.crt`;
const pki = makePki();
let gateway: RunningGateway | undefined;

function updateCaCertificates(): void {
  const result = spawnSync('update-ca-certificates', [], { encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new Error('update-ca-certificates is not installed and this test needs it: run `apt-get install -y ca-certificates` (as .ci/run does)');
  }
  if (result.status !== 0) throw new Error(`update-ca-certificates failed: ${result.stderr}`);
}

/** curl, the reference: it trusts the system store with no option. */
function curlPut(url: string): { code: number | null; stderr: string } {
  const result = spawnSync('curl', ['-sS', '--fail', '-X', 'PUT', '--data-binary', 'curl_reference 1\n', url], { encoding: 'utf8' });
  if (result.error !== undefined) throw new Error('curl is not installed and this test needs it as the reference: run `apt-get install -y curl`');
  return { code: result.status, stderr: result.stderr };
}

beforeAll(async () => {
  // Changing the system store needs root; CI runs as root. Refuse loudly rather than skip.
  if (process.getuid?.() !== 0) {
    throw new Error('this test puts a CA into the system trust store and must run as root (as CI does): run it with sudo, or in the CI container');
  }
  gateway = await startSecuredGateway(pki, { tls: true });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  if (existsSync(ANCHOR)) {
    rmSync(ANCHOR);
    updateCaCertificates();
  }
});

describe('https to a gateway whose CA is only in the system trust store', () => {
  it('fails before the CA is installed, and pushes once it is, as curl does', async () => {
    const url = (gateway as RunningGateway).url;
    const job = `system_ca_${process.versions.node.split('.')[0]}`;
    const push = () => runCli(['example_data.csv', '--job', job, '-g', url, '--retries', '0']);

    const before = await push();
    expect(before.code).toBe(1);
    expect(before.stderr).toContain("the gateway's certificate is not trusted");
    expect(curlPut(`${url}/metrics/job/curl_before`).code).not.toBe(0);

    // NODE_EXTRA_CA_CERTS keeps working beside the system store.
    const extra = await runCli(['example_data.csv', '--job', `${job}_extra`, '-g', url, '-q'], { env: { NODE_EXTRA_CA_CERTS: pki.caCert } });
    expect(extra.stderr).toBe('');
    expect(extra.code).toBe(0);

    copyFileSync(pki.caCert, ANCHOR);
    updateCaCertificates();

    expect(curlPut(`${url}/metrics/job/curl_after`)).toEqual({ code: 0, stderr: '' });
    const after = await push();
    expect(after.stderr).toMatch(/✔ pushed 3 series/);
    expect(after.code).toBe(0);
    expect(await (gateway as RunningGateway).group({ job })).toBeDefined();

    // --ca-file adds to the trusted set: an unrelated CA given does not take the system store away.
    const other = makePki();
    const withOtherCa = await runCli(['example_data.csv', '--job', job, '-g', url, '--ca-file', other.caCert, '-q']);
    expect(withOtherCa.stderr).toBe('');
    expect(withOtherCa.code).toBe(0);
    // update-ca-certificates rebuilds the whole bundle (seconds each time, many more on a loaded machine).
  }, 120_000);
});
