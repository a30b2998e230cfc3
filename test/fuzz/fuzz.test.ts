import { describe, expect, it } from 'vitest';
import { useGateway } from '../helpers/pushgateway.js';
import { useVictoriaMetrics } from '../helpers/receivers.js';
import { fuzzCases, isValidIndex, type Destination, type FuzzCase } from './cases.js';
import { runCase, type CaseOutcome } from './run-case.js';

// The fuzz tier: generated CSVs and option sets through bin/csv-push.js against real destinations:
// a Pushgateway, a textfile, VictoriaMetrics by remote write. Half the cases are valid by
// construction and must push; the other half come from the hostile space.
// `npm test` runs a fixed seed; `npm run fuzz -- --cases N --seed S` runs more (see scripts/fuzz.mjs).

const CASES = Number(process.env.FUZZ_CASES ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_125);
/** Cases in flight at once: each is a few short CLI runs, mostly waiting on process start-up. */
const PARALLEL = 4;

const { gateway } = useGateway();
const victoriaMetrics = useVictoriaMetrics();

function reproducer(index: number, fuzz: FuzzCase, outcome: CaseOutcome): string {
  return [
    `case ${index} of seed ${SEED} (${fuzz.kind}, ${fuzz.destination}): ${outcome.violations.join('; ')}`,
    `  file ${outcome.file} (bytes as base64: ${fuzz.bytes.toString('base64')})`,
    `  ${outcome.commandLine}`,
    `  --dry-run exit ${outcome.dryRun.code}; stderr: ${JSON.stringify(outcome.dryRun.stderr.slice(0, 400))}`,
    `  push exit ${outcome.push.code}; stderr: ${JSON.stringify(outcome.push.stderr.slice(0, 400))}`,
  ].join('\n');
}

describe('fuzz: generated CSVs and options against a real gateway, textfile and VictoriaMetrics', () => {
  it(
    `keeps every invariant over ${CASES} cases (seed ${SEED})`,
    async () => {
      const started = Date.now();
      const cases = fuzzCases(SEED, CASES);
      const failures: string[] = [];
      const exitCodes = new Map<Destination, number[]>();
      const secondsSpent = new Map<Destination, number>();
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let index = next++; index < cases.length; index = next++) {
          const fuzz = cases[index] as FuzzCase;
          const caseStarted = Date.now();
          const outcome = await runCase(fuzz, { gatewayUrl: gateway.url, victoriaMetricsUrl: victoriaMetrics.current().url }, `fuzz_${SEED}_${index}`);
          const counts = exitCodes.get(fuzz.destination) ?? [0, 0, 0];
          counts[outcome.push.code ?? 1] = (counts[outcome.push.code ?? 1] ?? 0) + 1;
          exitCodes.set(fuzz.destination, counts);
          secondsSpent.set(fuzz.destination, (secondsSpent.get(fuzz.destination) ?? 0) + (Date.now() - caseStarted) / 1000);
          if (outcome.violations.length > 0) failures.push(reproducer(index, fuzz, outcome));
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      const wideCases = cases.filter((fuzz) => fuzz.expectedCells !== undefined);
      const goodCells = wideCases.reduce((sum, fuzz) => sum + (fuzz.expectedCells?.length ?? 0), 0);
      const perDestination = [...exitCodes].map(([destination, counts]) => `${destination} ${counts.join('/')} (${(secondsSpent.get(destination) ?? 0).toFixed(0)} s in cases)`).join(', ');
      console.log(
        `fuzz seed ${SEED}: ${CASES} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, push exit codes 0/1/2: ${perDestination}; ${wideCases.length} wide cases with ${goodCells} good cells; ${failures.length} with violations`,
      );
      // Valid cases are chosen by index, so this holds for every seed unless a valid case failed
      // (and then that case is listed with its reproducer below).
      const validCases = cases.filter((_, index) => isValidIndex(index)).length;
      expect(validCases).toBeGreaterThanOrEqual(CASES / 2);
      const pushed = [...exitCodes.values()].reduce((sum, counts) => sum + (counts[0] ?? 0), 0);
      expect(failures, failures.join('\n\n')).toEqual([]);
      expect(pushed, 'fewer cases pushed than were valid').toBeGreaterThanOrEqual(validCases);
    },
    Math.max(120_000, CASES * 2_500),
  );
});
