import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new Error('promtool is not installed and these tests need it: run `apt-get update && apt-get install -y prometheus` (as .ci/run does)');
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('examples/alerts.yml', () => {
  it('is a valid rules file with both alerts', () => {
    const result = promtool('check', 'rules', 'examples/alerts.yml');
    expect(result.output).toContain('SUCCESS: 2 rules found');
    expect(result.status).toBe(0);
  });

  it('fires for a stale group and a failed push, and not for fresh or never-pushed groups (promtool test rules)', () => {
    const result = promtool('test', 'rules', 'test/rules/alerts.test.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
