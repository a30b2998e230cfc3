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

/** Size of the body's chunks: the text is built in pieces, never as one giant string. */
const CHUNK_BYTES = 1 << 20;
/** Longest text formatSampleValue returns ("-1.7976931348623157e+308" and the like). */
const MAX_VALUE_BYTES = 32;

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

/**
 * Writes straight into chunk buffers: each line is the metric name, the stored label bytes, a
 * value. Every line starts with its newline, so a chunk ends just after a value and before the
 * next newline. That matters: the Pushgateway (1.5.1 here) stores whatever it parsed when an
 * upload stops at a line end, but refuses an upload cut inside a line ("unexpected end of input
 * stream"). An upload cut off between our chunks, by --timeout or a killed process, is refused.
 */
function* renderChunks(seriesSet: SeriesSet): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let at = 0;
  /** Makes room for `bytes` more; returns the filled part of the chunk it had to replace, if any. */
  const makeRoom = (bytes: number): Buffer | undefined => {
    if (at + bytes <= chunk.length) return undefined;
    const full = at > 0 ? chunk.subarray(0, at) : undefined;
    chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    at = 0;
    return full;
  };
  let full: Buffer | undefined;
  let first = true;
  for (const family of seriesSet.families()) {
    const name = escapeHelp(family.name);
    const header = `${first ? '' : '\n\n'}# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} gauge`;
    first = false;
    if ((full = makeRoom(Buffer.byteLength(header))) !== undefined) yield full;
    at += chunk.write(header, at, 'utf8');
    const linePrefix = Buffer.from(`\n${family.name}`, 'utf8');
    for (let index = 0; index < family.size; index++) {
      if ((full = makeRoom(linePrefix.length + family.labelsByteLength(index) + 1 + MAX_VALUE_BYTES)) !== undefined) yield full;
      at += linePrefix.copy(chunk, at);
      at += family.copyLabelsTo(index, chunk, at);
      chunk[at++] = 0x20;
      at += chunk.write(formatSampleValue(family.valueAt(index)), at, 'latin1');
    }
  }
  if ((full = makeRoom(1)) !== undefined) yield full;
  chunk[at++] = 0x0a;
  yield chunk.subarray(0, at);
}

export function renderExposition(seriesSet: SeriesSet): string {
  return Buffer.concat(Array.from(renderChunks(seriesSet))).toString('utf8');
}
