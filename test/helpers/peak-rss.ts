import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli.js';

const MEASURE = fileURLToPath(new URL('../../bench/measure.py', import.meta.url));

export interface Measured {
  readonly exitCode: number;
  readonly maxRssMb: number;
  readonly wallMs: number;
}

/** Runs the CLI under bench/measure.py, which reads the child's own peak RSS from wait4. */
export function measureCli(args: readonly string[], cwd: string): Measured {
  const result = spawnSync('python3', [MEASURE, process.execPath, BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  if (result.error !== undefined) throw new Error(`python3 is needed to measure peak RSS (bench/measure.py): apt-get install -y python3 (${result.error.message})`);
  if (result.status !== 0) throw new Error(`bench/measure.py failed: ${result.stderr}`);
  const measured = JSON.parse(result.stdout) as { exitCode: number; maxRssKb: number; wallMs: number };
  return { exitCode: measured.exitCode, maxRssMb: measured.maxRssKb / 1024, wallMs: measured.wallMs };
}
