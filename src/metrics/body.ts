/** Size of the body's chunks, in characters: a large push is written (and gzipped) piece by piece. */
const CHUNK_BYTES = 1 << 20;

/** The exposition text of a push, as UTF-8 chunks, with the content type that names its format. */
export interface ExpositionBody {
  readonly contentType: string;
  chunks(): Iterable<Buffer>;
}

/**
 * Cuts the text prom-client rendered into UTF-8 chunks, each ending just before a newline, made
 * as they are taken (so a large body is not held twice, as text and as bytes). The cut matters:
 * the Pushgateway (1.5.1 here) stores whatever it parsed when an upload stops at a line end, but
 * refuses one cut inside a line ("unexpected end of input stream"). An upload cut off between
 * chunks, by --timeout or a killed process, is therefore refused rather than half stored.
 */
export function expositionBody(text: string, contentType: string): ExpositionBody {
  return { contentType, chunks: () => chunksOf(text) };
}

/** Characters per chunk: at most CHUNK_BYTES of UTF-8 when the text is ASCII, a few times that otherwise. */
function* chunksOf(text: string): Generator<Buffer> {
  let start = 0;
  while (text.length - start > CHUNK_BYTES) {
    const before = text.lastIndexOf('\n', start + CHUNK_BYTES);
    // A line longer than a chunk stays whole in its chunk.
    const end = before > start ? before : text.indexOf('\n', start + CHUNK_BYTES);
    if (end === -1) break;
    yield Buffer.from(text.slice(start, end), 'utf8');
    start = end;
  }
  yield Buffer.from(text.slice(start), 'utf8');
}
