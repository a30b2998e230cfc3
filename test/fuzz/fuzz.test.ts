import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/pushgateway.js';
import { fuzzCase, type FuzzCase } from './cases.js';
import { runCase, type CaseOutcome } from './run-case.js';

// The fuzz tier: generated CSVs and option sets through bin/csv-push.js against a real gateway.
// `npm test` runs a fixed seed; `npm run fuzz -- --cases N --seed S` runs more (see scripts/fuzz.mjs).

const CASES = Number(process.env.FUZZ_CASES ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_125);
/** Cases in flight at once: each is two short CLI runs, mostly waiting on process start-up. */
const PARALLEL = 4;

const { gateway } = useGateway();

function reproducer(index: number, fuzz: FuzzCase, outcome: CaseOutcome): string {
  return [
    `case ${index} of seed ${SEED}: ${outcome.violations.join('; ')}`,
    `  file ${outcome.file} (bytes as base64: ${fuzz.bytes.toString('base64')})`,
    `  ${outcome.commandLine}`,
    `  --dry-run exit ${outcome.dryRun.code}; stderr: ${JSON.stringify(outcome.dryRun.stderr.slice(0, 400))}`,
    `  push exit ${outcome.push.code}; stderr: ${JSON.stringify(outcome.push.stderr.slice(0, 400))}`,
  ].join('\n');
}

describe('fuzz: generated CSVs and options against a real gateway', () => {
  it(
    `keeps every invariant over ${CASES} cases (seed ${SEED})`,
    async () => {
      const cases = fc.sample(fuzzCase, { seed: SEED, numRuns: CASES });
      const failures: string[] = [];
      const exitCodes = [0, 0, 0];
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let index = next++; index < cases.length; index = next++) {
          const fuzz = cases[index] as FuzzCase;
          const outcome = await runCase(fuzz, gateway.url, `fuzz_${SEED}_${index}`);
          exitCodes[outcome.push.code ?? 0] = (exitCodes[outcome.push.code ?? 0] ?? 0) + 1;
          if (outcome.violations.length > 0) failures.push(reproducer(index, fuzz, outcome));
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      // A generator that only ever produced refused input would prove little.
      console.log(`fuzz seed ${SEED}: ${CASES} cases, push exit codes 0/1/2: ${exitCodes.join('/')}, ${failures.length} with violations`);
      expect(exitCodes[0], 'too few cases pushed anything').toBeGreaterThan(CASES / 6);
      expect(failures, failures.join('\n\n')).toEqual([]);
    },
    Math.max(120_000, CASES * 2_000),
  );
});
