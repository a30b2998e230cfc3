import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** Where CSV text comes from: a file path, or a stream the caller already holds (stdin). */
export type CsvSource = { readonly path: string } | { readonly name: string; readonly stream: Readable };

export function sourceName(source: CsvSource): string {
  return 'path' in source ? source.path : source.name;
}

export function openSource(source: CsvSource): Readable {
  // A large highWaterMark cuts the number of chunks csv-parse has to stitch together.
  return 'path' in source ? createReadStream(source.path, { highWaterMark: 1 << 20 }) : source.stream;
}
