// `npm run fuzz -- --cases N --seed S`: the fuzz tier (test/fuzz) with as many cases as asked.
// A failing case is printed as a reproducer: its file (and bytes) and the command line.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '1000' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) } } });
for (const [name, value] of Object.entries(values)) {
  if (!/^\d+$/.test(value ?? '')) {
    console.error(`--${name} must be a whole number, not "${value}"`);
    process.exit(2);
  }
}
console.error(`fuzz: ${values.cases} cases, seed ${values.seed}`);
const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync('npx', ['vitest', 'run', 'test/fuzz'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CASES: values.cases, FUZZ_SEED: values.seed },
});
process.exit(run.status ?? 1);
