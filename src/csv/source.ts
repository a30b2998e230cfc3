import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Where CSV text comes from: a file path, or a stream the caller already holds (stdin). */
export type CsvSource = { readonly path: string } | { readonly name: string; readonly stream: Readable };

export function sourceName(source: CsvSource): string {
  return 'path' in source ? source.path : source.name;
}

/** Regular files up to this size are read in one call: for the small files of most cron jobs,
 * setting up a stream costs more than reading. Larger ones stream, so memory stays flat. */
const READ_WHOLE_BELOW = 4 << 20;

export interface OpenedSource {
  readonly chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  close(): void;
}

export function openSource(source: CsvSource): OpenedSource {
  if (!('path' in source)) return { chunks: source.stream as AsyncIterable<Buffer>, close: () => {} };
  const stats = statSync(source.path);
  if (stats.isFile() && stats.size < READ_WHOLE_BELOW) return { chunks: [readFileSync(source.path)], close: () => {} };
  // A large highWaterMark cuts the number of chunks the parser has to stitch together.
  const stream = createReadStream(source.path, { highWaterMark: 1 << 20 });
  return { chunks: stream as AsyncIterable<Buffer>, close: () => stream.destroy() };
}
