import type * as fs from 'node:fs';
import { requireBuiltin } from '../node-builtins.js';
import type { Readable } from 'node:stream';
import { usageError } from '../errors.js';
import type { TextEncoding } from './dialect.js';

// Not imported: an import of node:fs reads its lazy parts (fs.promises, its streams) at once (node-builtins.ts).
const { createReadStream, readFileSync, statSync } = requireBuiltin('node:fs') as typeof fs;

/**
 * Where CSV text comes from: a file path, or a stream the caller already holds (stdin). A stream
 * may give Buffers (bytes in the dialect's encoding) or strings (text already decoded, for example
 * after `setEncoding('utf8')`, or `Readable.from([text])`). `inChunks` reads a small file in
 * chunks too, as a large one is read (see READ_WHOLE_BELOW).
 */
export type CsvSource =
  | {
      readonly path: string;
      readonly inChunks?: boolean;
      /** Read no further than this many bytes: a second reading stops where the first one ended. */
      readonly bytes?: number;
    }
  | {
      readonly name: string;
      readonly stream: Readable;
      /** The file a stream was read from (a named pipe copied for a second reading): the metric is named after it. */
      readonly fileName?: string;
    };

export function sourceName(source: CsvSource): string {
  return 'path' in source ? source.path : source.name;
}

/** Regular files up to this size are read in one call: for the small files of most cron jobs,
 * setting up a stream costs more than reading. Larger ones stream, so memory stays flat. */
const READ_WHOLE_BELOW = 4 << 20;

/** Told the bytes of a source read so far, and its size when it is a regular file. */
export type ByteProgress = (bytesRead: number, totalBytes: number | undefined) => void;

export interface OpenedSource {
  readonly chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  close(): void;
}

export function openSource(source: CsvSource, encoding: TextEncoding, onBytes?: ByteProgress): OpenedSource {
  if (!('path' in source)) return { chunks: counted(asBuffers(source.stream, source.name, encoding), undefined, onBytes), close: () => {} };
  // A second reading of a file that was empty at the first (statSync still names a missing file).
  if (source.bytes === 0) return { chunks: [], close: () => {} };
  const stats = statSync(source.path);
  const size = stats.isFile() ? stats.size : undefined;
  if (size !== undefined && size < READ_WHOLE_BELOW && source.inChunks !== true) {
    const whole = readFileSync(source.path);
    onBytes?.(whole.length, size);
    return { chunks: [whole], close: () => {} };
  }
  // Node's default 64 KiB chunks, on purpose: csv-parse turns a whole chunk into records at once,
  // so the chunk size bounds how many records are alive together. With 1 MiB chunks (about 80,000
  // short records each), a million mostly skipped rows peaked at 130-170 MB, with 64 KiB near 70 MB,
  // and read no slower.
  const stream = createReadStream(source.path, { highWaterMark: 1 << 16, ...(source.bytes === undefined ? {} : { end: source.bytes - 1 }) });
  return { chunks: counted(stream as AsyncIterable<Buffer>, size, onBytes), close: () => stream.destroy() };
}

function counted(chunks: AsyncIterable<Buffer>, size: number | undefined, onBytes: ByteProgress | undefined): AsyncIterable<Buffer> {
  if (onBytes === undefined) return chunks;
  return (async function* () {
    let read = 0;
    for await (const chunk of chunks) {
      read += chunk.length;
      onBytes(read, size);
      yield chunk;
    }
  })();
}

/** A stream of strings is text already decoded: it is read as UTF-8 bytes again, so it cannot claim another encoding. */
async function* asBuffers(stream: AsyncIterable<unknown>, name: string, encoding: TextEncoding): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    if (Buffer.isBuffer(chunk)) {
      yield chunk;
    } else if (typeof chunk === 'string') {
      if (encoding !== 'utf-8') {
        throw usageError(`${name} gives strings, which are text already decoded; leave the encoding unset (it is ${encoding}), or give a stream of Buffers`);
      }
      yield Buffer.from(chunk, 'utf8');
    } else if (chunk instanceof Uint8Array) {
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else {
      throw usageError(`${name} gives ${chunk === null ? 'null' : typeof chunk} chunks; give a stream of strings or Buffers`);
    }
  }
}
