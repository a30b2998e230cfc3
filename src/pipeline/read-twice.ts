import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sourceName, type CsvSource } from '../csv/source.js';

/**
 * The sources of a run that reads its rows twice (see repeats.ts). A file is opened again; a
 * stream (standard input) can be read only once, so the first reading copies what it reads to a
 * temporary file (mode 0600, in the system's temporary directory), which the second reading
 * reads and `remove` deletes, whatever happened. Files are read in chunks however small: read
 * whole, each reading's records were all alive at once, and the two readings of a 100,000-row
 * file peaked at 146 to 152 MB where one reading took 130 to 135 MB; in chunks, 105 to 107 MB.
 */
export class ReadTwice {
  private directory: string | undefined;
  private readonly copies = new Map<number, string>();

  constructor(private readonly sources: readonly CsvSource[]) {}

  async first(): Promise<CsvSource[]> {
    if (this.sources.every((source) => 'path' in source)) return this.second();
    const directory = await mkdtemp(join(tmpdir(), 'csv-push-'));
    this.directory = directory;
    return this.sources.map((source, index) => {
      if ('path' in source) return { ...source, inChunks: true };
      const copy = join(directory, `${index}.csv`);
      this.copies.set(index, copy);
      return { name: source.name, stream: Readable.from(copying(source.stream, copy)) };
    });
  }

  second(): CsvSource[] {
    return this.sources.map((source, index) => {
      if ('path' in source) return { ...source, inChunks: true };
      const copy = this.copies.get(index);
      return copy === undefined ? source : { name: sourceName(source), stream: createReadStream(copy, { highWaterMark: 1 << 16 }) };
    });
  }

  async remove(): Promise<void> {
    if (this.directory !== undefined) await rm(this.directory, { recursive: true, force: true });
  }
}

/** Hands on every chunk as it came (the reader checks what kind it is), after writing its bytes to `path`. */
async function* copying(stream: AsyncIterable<unknown>, path: string): AsyncGenerator<unknown> {
  const copy = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of stream) {
      if (typeof chunk === 'string') await copy.write(Buffer.from(chunk, 'utf8'));
      else if (chunk instanceof Uint8Array) await copy.write(chunk);
      yield chunk;
    }
  } finally {
    await copy.close();
  }
}
