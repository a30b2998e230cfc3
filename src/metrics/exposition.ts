import type { SeriesSet } from './series-set.js';

// The text below must equal, byte for byte, what prom-client's Registry#metrics() renders for the
// same gauges (test/unit/exposition-equivalence.test.ts holds it to that). prom-client itself is
// not loaded at run time: it costs start-up and holds every series as an object.

const NEEDS_LABEL_ESCAPE = /[\\\n"]/;
const NEEDS_HELP_ESCAPE = /[\\\n]/;

export function escapeLabelValue(value: string): string {
  if (!NEEDS_LABEL_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  if (!NEEDS_HELP_ESCAPE.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** prom-client's spelling of special values: note `Nan`, which Prometheus' parser accepts. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return `${value}`;
}

/** The exposition text in pieces of about this many characters, so no single giant string is built. */
const CHUNK_CHARACTERS = 1 << 20;

export interface ExpositionBody {
  readonly chunks: readonly Buffer[];
  readonly byteLength: number;
}

export function renderExpositionBody(seriesSet: SeriesSet): ExpositionBody {
  const chunks: Buffer[] = [];
  let byteLength = 0;
  let pending = '';
  const flush = () => {
    const chunk = Buffer.from(pending, 'utf8');
    chunks.push(chunk);
    byteLength += chunk.length;
    pending = '';
  };
  let first = true;
  for (const family of seriesSet.families()) {
    const name = escapeHelp(family.name);
    pending += `${first ? '' : '\n\n'}# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} gauge`;
    first = false;
    const linePrefix = `\n${family.name}`;
    for (const [labelsText, value] of family.series()) {
      pending += `${linePrefix}${labelsText} ${formatSampleValue(value)}`;
      if (pending.length >= CHUNK_CHARACTERS) flush();
    }
  }
  pending += '\n';
  flush();
  return { chunks, byteLength };
}

export function renderExposition(seriesSet: SeriesSet): string {
  return Buffer.concat(renderExpositionBody(seriesSet).chunks as Buffer[]).toString('utf8');
}
