/** Size of the body's chunks: a large push is written (and gzipped) piece by piece. */
const CHUNK_BYTES = 1 << 20;

/** The exposition text of a push, as UTF-8 chunks, with the content type that names its format. */
export interface ExpositionBody {
  readonly contentType: string;
  chunks(): Iterable<Buffer>;
}

/**
 * Cuts the text prom-client rendered into chunks that each end just before a newline. That
 * matters: the Pushgateway (1.5.1 here) stores whatever it parsed when an upload stops at a line
 * end, but refuses one cut inside a line ("unexpected end of input stream"). An upload cut off
 * between chunks, by --timeout or a killed process, is therefore refused rather than half stored.
 */
export function expositionBody(text: string, contentType: string): ExpositionBody {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  let start = 0;
  while (bytes.length - start > CHUNK_BYTES) {
    const before = bytes.lastIndexOf(0x0a, start + CHUNK_BYTES);
    // A line longer than a chunk stays whole in its chunk.
    const end = before > start ? before : bytes.indexOf(0x0a, start + CHUNK_BYTES);
    if (end === -1) break;
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  chunks.push(bytes.subarray(start));
  return { contentType, chunks: () => chunks };
}
