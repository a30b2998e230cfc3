import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { inputError } from '../errors.js';
import type { TextEncoding } from './dialect.js';

const GZIP_MAGIC = [0x1f, 0x8b];

/** Gunzips the stream when its first bytes are gzip's magic number, whatever the file is called. */
export async function* gunzipIfCompressed(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  const iterator = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  // A pipe may deliver a single byte first; the magic number needs two.
  let head: Buffer = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return;
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (!(head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1])) {
    yield head;
    yield* rest;
    return;
  }
  async function* compressed(): AsyncGenerator<Buffer> {
    yield head;
    yield* rest;
  }
  const gunzip = createGunzip();
  Readable.from(compressed()).on('error', (error) => gunzip.destroy(error)).pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw inputError(`${file}: starts like gzip but does not decompress (${(error as Error).message}); check the file is complete`);
    throw error;
  }
}

/** Drops the first `count` lines (a preamble above the header), counting newlines in the file's encoding. */
export async function* skipLines(chunks: AsyncIterable<Buffer>, count: number, encoding: TextEncoding): AsyncGenerator<Buffer> {
  if (count === 0) {
    yield* chunks;
    return;
  }
  const newline = Buffer.from('\n', encoding === 'utf-8' ? 'utf8' : encoding);
  let remaining = count;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (remaining === 0) {
      yield chunk;
      continue;
    }
    let buffer = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let from = 0;
    while (remaining > 0) {
      let at = buffer.indexOf(newline, from);
      // UTF-16 code units start at even offsets; an odd match is half of another character.
      while (at !== -1 && newline.length === 2 && at % 2 === 1) at = buffer.indexOf(newline, at + 1);
      if (at === -1) break;
      from = at + newline.length;
      remaining--;
    }
    buffer = buffer.subarray(from);
    if (remaining === 0) {
      pending = Buffer.alloc(0);
      if (buffer.length > 0) yield buffer;
    } else {
      // Keep an odd trailing byte for UTF-16, so alignment survives the chunk boundary.
      pending = newline.length === 2 && buffer.length % 2 === 1 ? buffer.subarray(buffer.length - 1) : Buffer.alloc(0);
    }
  }
}

/**
 * Refuses bytes that are not UTF-8 instead of turning them into U+FFFD in a label value:
 * a Latin-1 export read as UTF-8 would otherwise push mangled labels without a word.
 */
export async function* requireUtf8(chunks: AsyncIterable<Buffer>, file: string, firstLine: number): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  let newlinesBefore = 0;
  // Line numbers matter only for an error; the newlines of the last good chunk are counted when
  // another chunk comes, so a file read in one chunk is never counted unless it is bad.
  let uncounted: Buffer | undefined;
  let first = true;
  const countUncounted = () => {
    if (uncounted !== undefined) newlinesBefore += countNewlines(uncounted);
    uncounted = undefined;
  };
  for await (const chunk of chunks) {
    countUncounted();
    const buffer = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    const complete = completeUtf8Length(buffer);
    const body = buffer.subarray(0, complete);
    if (!isUtf8(body)) {
      if (first && body[0] === 0xff && body[1] === 0xfe) {
        throw inputError(`${file}: starts with the byte order mark of UTF-16LE, not UTF-8; pass --encoding utf-16le`);
      }
      const bad = firstInvalidOffset(body);
      const line = firstLine + newlinesBefore + countNewlines(body.subarray(0, bad));
      throw inputError(`${file}:${line}: the text is not valid UTF-8; pass --encoding latin1 (or the file's real encoding)`);
    }
    uncounted = body;
    first = false;
    carry = buffer.subarray(complete);
    if (body.length > 0) yield body;
  }
  if (carry.length > 0) {
    countUncounted();
    throw inputError(`${file}:${firstLine + newlinesBefore}: the file ends inside a UTF-8 character; pass --encoding if it is not UTF-8`);
  }
}

/** Length of the prefix that holds no UTF-8 sequence cut off by the chunk's end. */
function completeUtf8Length(buffer: Buffer): number {
  for (let back = 1; back <= Math.min(3, buffer.length); back++) {
    const byte = buffer[buffer.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? buffer.length - back : buffer.length;
  }
  return buffer.length;
}

/** Only runs once a chunk is known to be bad, so a plain scan is fine. */
function firstInvalidOffset(buffer: Buffer): number {
  let at = 0;
  while (at < buffer.length) {
    const byte = buffer[at] as number;
    const length = byte < 0x80 ? 1 : (byte & 0xe0) === 0xc0 ? 2 : (byte & 0xf0) === 0xe0 ? 3 : (byte & 0xf8) === 0xf0 ? 4 : 0;
    if (length === 0 || at + length > buffer.length || !isUtf8(buffer.subarray(at, at + length))) return at;
    at += length;
  }
  return buffer.length;
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(0x0a); at !== -1; at = buffer.indexOf(0x0a, at + 1)) count++;
  return count;
}
