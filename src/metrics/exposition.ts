import type { SeriesSet } from './series-set.js';

// The text below must equal, byte for byte, what prom-client's Registry#metrics() renders for the
// same gauges (test/unit/exposition-equivalence.test.ts holds it to that). prom-client itself is
// not loaded at run time: it costs start-up and holds every series as an object.

const NEEDS_HELP_ESCAPE = /[\\\n]/;

/** A plain scan beats a regular expression on the short values labels hold (it runs per cell). */
function needsLabelEscape(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code === 92 || code === 34 || code === 10) return true;
  }
  return false;
}

export function escapeLabelValue(value: string): string {
  if (!needsLabelEscape(value)) return value;
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

/** Lines per chunk of the body: the text is built in pieces, never as one giant string. */
const LINES_PER_CHUNK = 8192;

/**
 * The exposition text as UTF-8 chunks, rendered as they are taken: a push sends each chunk
 * while the gateway parses the previous one, and a retry renders them again.
 */
export interface ExpositionBody {
  chunks(): Iterable<Buffer>;
}

export function expositionBody(seriesSet: SeriesSet): ExpositionBody {
  return { chunks: () => renderChunks(seriesSet) };
}

function* renderChunks(seriesSet: SeriesSet): Generator<Buffer> {
  let pieces: string[] = [];
  let first = true;
  for (const family of seriesSet.families()) {
    const name = escapeHelp(family.name);
    pieces.push(`${first ? '' : '\n\n'}# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} gauge`);
    first = false;
    const linePrefix = `\n${family.name}`;
    for (let index = 0; index < family.size; index++) {
      pieces.push(linePrefix, family.labelsTextAt(index), ' ', formatSampleValue(family.valueAt(index)));
      if (pieces.length >= 4 * LINES_PER_CHUNK) {
        // join() builds one flat string; appending line by line would build a tree of cons strings.
        yield Buffer.from(pieces.join(''), 'utf8');
        pieces = [];
      }
    }
  }
  pieces.push('\n');
  yield Buffer.from(pieces.join(''), 'utf8');
}

export function renderExposition(seriesSet: SeriesSet): string {
  return Buffer.concat(Array.from(renderChunks(seriesSet))).toString('utf8');
}
