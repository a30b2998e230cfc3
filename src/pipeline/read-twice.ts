import type * as fs from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { requireBuiltin } from '../node-builtins.js';
import { sourceName, type CsvSource } from '../csv/source.js';
import { inputError } from '../errors.js';
import { temporaryCopies } from './temporary-copies.js';

// Not imported: an import of node:fs reads its lazy parts (fs.promises, its streams) at once
// (node-builtins.ts), and this module is loaded by every run, push included.
const { createReadStream, statSync } = requireBuiltin('node:fs') as typeof fs;
/** fs.promises, loaded only by a run that copies a source or reads twice. */
const promises = (): typeof fsPromises => requireBuiltin('node:fs/promises') as typeof fsPromises;

/** What a regular file looked like at the first reading: the second must find it unchanged. */
interface Seen {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The sources of a run that reads its rows twice (see repeats.ts). A regular file is opened
 * again, and must not have changed in between. Anything that can be read only once (standard
 * input, a named pipe, a shell's `<(...)`) is copied, as the first reading reads it, to a
 * temporary file (mode 0600, in the system's temporary directory), which the second reading
 * reads and `remove` deletes, whatever happened. Files are read in chunks however small: read
 * whole, each reading's records were all alive at once, and the two readings of a 100,000-row
 * file peaked at 146 to 152 MB where one reading took 130 to 135 MB; in chunks, 105 to 107 MB.
 */
export class ReadTwice {
  private directory: string | undefined;
  private readonly copies = new Map<number, string>();
  private readonly seen = new Map<number, Seen>();

  constructor(private readonly sources: readonly CsvSource[]) {}

  async first(): Promise<CsvSource[]> {
    // One stat a path: a regular file is read again and must then be unchanged; anything else
    // (a pipe) is copied, as standard input is. A path that cannot be stat'ed is left to the
    // reader, whose message names it.
    const stats = this.sources.map((source) => ('path' in source ? statSync(source.path, { throwIfNoEntry: false }) : undefined));
    const copied = this.sources.map((source, index) => !('path' in source) || stats[index]?.isFile() === false);
    const directory = copied.includes(true) ? await promises().mkdtemp(join(tmpdir(), 'csv-push-')) : undefined;
    this.directory = directory;
    if (directory !== undefined) temporaryCopies.add(directory);
    return this.sources.map((source, index) => {
      const stat = stats[index];
      if (directory === undefined || !copied[index]) {
        if (stat !== undefined) this.seen.set(index, { size: stat.size, mtimeMs: stat.mtimeMs });
        return { ...source, inChunks: true };
      }
      const copy = join(directory, `${index}.csv`);
      this.copies.set(index, copy);
      // A named pipe is opened only when its turn comes: an open waits for the pipe's writer, and
      // each waiting open holds one of libuv's four threads (five pipes opened at once hung).
      const stream = 'path' in source ? () => createReadStream(source.path) : () => source.stream;
      return { name: sourceName(source), stream: Readable.from(copying(stream, copy)), ...fileNameOf(source) };
    });
  }

  second(): CsvSource[] {
    return this.sources.map((source, index) => {
      const copy = this.copies.get(index);
      if (copy !== undefined) return { name: sourceName(source), stream: createReadStream(copy, { highWaterMark: 1 << 16 }), ...fileNameOf(source) };
      const path = (source as { path: string }).path;
      const before = this.seen.get(index);
      const now = statSync(path, { throwIfNoEntry: false });
      if (before !== undefined && (now?.size !== before.size || now.mtimeMs !== before.mtimeMs)) {
        throw inputError(`${path} changed while it was read (rows are read twice for this destination); nothing was sent or written: run again once the file is complete, or pass a copy of it`);
      }
      // Rows appended while the second reading runs were never checked by the first: stop where it stopped.
      return before === undefined ? { ...source, inChunks: true } : { ...source, inChunks: true, bytes: before.size };
    });
  }

  async remove(): Promise<void> {
    if (this.directory === undefined) return;
    await promises().rm(this.directory, { recursive: true, force: true });
    temporaryCopies.delete(this.directory);
  }
}

function fileNameOf(source: CsvSource): { fileName?: string } {
  const fileName = 'path' in source ? source.path : source.fileName;
  return fileName === undefined ? {} : { fileName };
}

/** Hands on every chunk as it came (the reader checks what kind it is), after writing its bytes to `path`. */
async function* copying(open: () => AsyncIterable<unknown>, path: string): AsyncGenerator<unknown> {
  const copy = await promises().open(path, 'wx', 0o600);
  try {
    for await (const chunk of open()) {
      if (typeof chunk === 'string') await copy.write(Buffer.from(chunk, 'utf8'));
      else if (chunk instanceof Uint8Array) await copy.write(chunk);
      yield chunk;
    }
  } finally {
    await copy.close();
  }
}
