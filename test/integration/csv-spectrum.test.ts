import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cleanName, pushCsv } from '../../src/index.js';
import { useGateway } from '../helpers/pushgateway.js';

// csv-spectrum: a public corpus of CSV edge cases, each with the records it must parse to.
const spectrumRoot = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
const cases = readdirSync(join(spectrumRoot, 'csvs'))
  .filter((file) => file.endsWith('.csv'))
  .map((file) => file.replace(/\.csv$/, ''));

const { gateway } = useGateway();

/**
 * Where the corpus' JSON disagrees with its own CSV. location_coordinates.json is a single object
 * (not an array) whose phone number, 1234567890, is not the 2095257564 its CSV holds; every parser
 * would fail it as shipped. The fix is stated here, not hidden in a looser comparison.
 */
const CORPUS_ERRATA: Record<string, Record<string, string>> = {
  location_coordinates: { 'Contact Phone Number': '2095257564' },
};

const canonical = (rows: Record<string, string>[]) => rows.map((row) => JSON.stringify(Object.entries(row).sort())).sort();

describe('every csv-spectrum case, pushed and read back through the gateway', () => {
  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', async (name) => {
    const csv = readFileSync(join(spectrumRoot, 'csvs', `${name}.csv`));
    const parsed = JSON.parse(readFileSync(join(spectrumRoot, 'json', `${name}.json`), 'utf8')) as Record<string, string>[] | Record<string, string>;
    const expected = (Array.isArray(parsed) ? parsed : [parsed]).map((row) => ({ ...row, ...CORPUS_ERRATA[name] }));
    const job = `spectrum_${name}`;
    const report = await pushCsv({
      gateway: gateway.url,
      job,
      metric: 'spectrum_rows',
      sources: [{ name: `${name}.csv`, stream: Readable.from([csv]) }],
      strict: true,
    });
    expect(report.series).toBe(expected.length);
    const samples = (await gateway.group({ job }))?.metrics.spectrum_rows?.samples ?? [];
    const landed = samples.map((sample) => sample.labels);
    // An empty label value is the same series as no label, so csv-push leaves empty cells out.
    const expectedLabels = expected.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([, value]) => value !== '').map(([header, value]) => [cleanName(header), value])),
    );
    expect(canonical(landed)).toEqual(canonical(expectedLabels));
    expect(samples.every((sample) => sample.value === 1)).toBe(true);
  });
});
