import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

// measureCli discards the child's output; measurePeakRss keeps it, in files, so that what it
// prints costs the test no memory of its own. Both read the child's peak RSS from wait4's
// rusage (Python's resource module here): Node.js cannot see a child's rusage.
const MEASURE_KEEPING_OUTPUT = `
import json, resource, subprocess, sys
out, err = sys.argv[1], sys.argv[2]
with open(out, "wb") as o, open(err, "wb") as e:
    code = subprocess.run(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=o, stderr=e).returncode
print(json.dumps({"exitCode": code, "maxRssKb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
`;

export interface MeasuredRun {
  readonly exitCode: number;
  readonly peakRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function measurePeakRss(command: readonly string[], options: { dir: string; cwd: string; env: Record<string, string> }): Promise<MeasuredRun> {
  const out = join(options.dir, 'measured.stdout');
  const err = join(options.dir, 'measured.stderr');
  return new Promise((resolve, reject) => {
    const python = spawn('python3', ['-c', MEASURE_KEEPING_OUTPUT, out, err, ...command], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let report = '';
    let problem = '';
    python.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
    python.stderr.on('data', (chunk: Buffer) => (problem += chunk.toString()));
    python.on('error', (error) => reject(new Error(`python3 is needed to measure peak RSS: apt-get install python3 (${error.message})`)));
    python.on('close', (code) => {
      if (code !== 0) return reject(new Error(`measuring failed (exit ${code}): ${problem}`));
      const { exitCode, maxRssKb } = JSON.parse(report) as { exitCode: number; maxRssKb: number };
      resolve({ exitCode, peakRssMb: maxRssKb / 1024, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') });
    });
  });
}
