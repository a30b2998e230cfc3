import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { pick, seededRandom } from '../helpers/random.js';
import { preparePush } from '../../src/index.js';
import { cleanName } from '../../src/metrics/names.js';
import { parseSampleValue } from '../../src/metrics/values.js';


// No ':' here: prom-client's Gauge would merge series whose values fake its `name:value,` hash
// (our own handling of that is tested in exposition.test.ts).
const AWKWARD = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\r\n', ',', ';', '=', '{', '}', 'ü', '東', '🚀', '\t', "'", '\\n', '""'];
const VALUES = ['0', '1', '-1', '0.1', '2.5e3', '1e21', '1e-7', '-0', '.5', '007', 'NaN', '+Inf', '-Inf', 'true', 'FALSE', ' 42 '];


function quoted(cell: string): string {
  return `"${cell.replace(/"/g, '""')}"`;
}

interface GeneratedCsv {
  readonly text: string;
  readonly valueColumns: string[];
}

function generateCsv(seed: number): GeneratedCsv {
  const next = seededRandom(seed);
  const labelCount = Math.floor(next() * 4);
  const valueCount = Math.floor(next() * 3);
  const headers = [...Array.from({ length: labelCount }, (_, i) => `label ${i}`), ...Array.from({ length: valueCount }, (_, i) => `value-${i}`)];
  if (headers.length === 0) headers.push('only');
  const rows: string[][] = [];
  const rowCount = Math.floor(next() * 30);
  for (let row = 0; row < rowCount; row++) {
    if (rows.length > 0 && next() < 0.15) {
      rows.push([...(rows[Math.floor(next() * rows.length)] as string[])]);
      continue;
    }
    rows.push(
      headers.map((header) => {
        if (header.startsWith('value-')) return pick(next, VALUES);
        const length = Math.floor(next() * 5);
        return Array.from({ length }, () => pick(next, AWKWARD)).join('');
      }),
    );
  }
  const lines = [headers.map(quoted).join(','), ...rows.map((row) => row.map(quoted).join(','))];
  return { text: `${lines.join('\r\n')}\n`, valueColumns: headers.filter((header) => header.startsWith('value-')) };
}

/** What prom-client's own Gauge and Registry render for the same rows. */
async function promClientRendering(csv: GeneratedCsv, metric: string): Promise<string> {
  const [header, ...rows] = parse(csv.text, { bom: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
  const names = (header as string[]).map(cleanName);
  const valueIndexes = csv.valueColumns.map((column) => (header as string[]).indexOf(column));
  const labelIndexes = names.map((_, index) => index).filter((index) => !valueIndexes.includes(index));
  const registry = new Registry();
  const labelNames = labelIndexes.map((index) => names[index] as string);
  const gauges =
    valueIndexes.length === 0
      ? [new Gauge({ name: metric, help: 'One sample of value 1 per CSV row, pushed by csv-push.', labelNames, registers: [registry] })]
      : valueIndexes.map((index) => {
          const column = names[index] as string;
          return new Gauge({ name: `${metric}_${column}`, help: `Column ${column} of the CSV rows pushed by csv-push.`, labelNames, registers: [registry] });
        });
  // A label-less prom-client Gauge starts out holding a 0 sample that no row asked for.
  if (labelNames.length === 0 && rows.length === 0) for (const gauge of gauges) gauge.remove({});
  for (const row of rows) {
    const labels = Object.fromEntries(labelIndexes.map((index) => [names[index] as string, row[index] as string]));
    const values = valueIndexes.map((index) => parseSampleValue(row[index] as string) as number);
    gauges.forEach((gauge, index) => gauge.set(labels, values[index] ?? 1));
  }
  return registry.metrics();
}

async function csvPushRendering(csv: GeneratedCsv, metric: string): Promise<string> {
  const prepared = await preparePush({
    job: 'equivalence',
    metric,
    valueColumns: csv.valueColumns,
    sources: [{ name: 'generated.csv', stream: Readable.from([Buffer.from(csv.text)]) }],
  });
  return Buffer.concat(Array.from(prepared.body.chunks())).toString('utf8');
}

describe("csv-push's exposition text is byte for byte prom-client's", () => {
  it.each(Array.from({ length: 300 }, (_, seed) => seed))('generated CSV, seed %i', async (seed) => {
    const csv = generateCsv(seed);
    expect(await csvPushRendering(csv, 'generated')).toBe(await promClientRendering(csv, 'generated'));
  });

  it('the generator makes the awkward cases it means to', () => {
    const all = Array.from({ length: 300 }, (_, seed) => generateCsv(seed).text).join('');
    for (const needle of ['\\', '\n', '""', '🚀', 'NaN', '+Inf', 'true']) expect(all).toContain(needle);
  });
});
