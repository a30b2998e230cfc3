import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIfCompressed, requireUtf8, skipLines } from '../../src/csv/byte-stages.js';

async function* chunksOf(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Splits a buffer into pieces of one to three bytes, cutting through multi-byte characters. */
function shredded(buffer: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, size = 1; at < buffer.length; at += size, size = (size % 3) + 1) pieces.push(buffer.subarray(at, at + size));
  return pieces;
}

describe('requireUtf8', () => {
  it('passes valid UTF-8 through unchanged, however the chunks cut it', async () => {
    const text = Buffer.from('city\nZürich 東京 🚀\nMalmö\n');
    expect(await collect(requireUtf8(chunksOf(...shredded(text)), 'f.csv', 1))).toEqual(text);
  });

  it('names the line of the first byte that is not UTF-8', async () => {
    const latin1 = Buffer.from('a,b\nok,1\nM\xfcnchen,2\n', 'latin1');
    await expect(collect(requireUtf8(chunksOf(...shredded(latin1)), 'f.csv', 1))).rejects.toThrow('f.csv:3: the text is not valid UTF-8');
  });

  it('refuses a file that ends in the middle of a character', async () => {
    await expect(collect(requireUtf8(chunksOf(Buffer.from([0x61, 0x0a, 0xc3])), 'f.csv', 1))).rejects.toThrow('f.csv:2: the file ends inside a UTF-8 character');
  });
});

describe('skipLines', () => {
  it('drops whole lines across chunk boundaries', async () => {
    const text = Buffer.from('one\ntwo\nthree,3\n');
    expect((await collect(skipLines(chunksOf(...shredded(text)), 2, 'utf-8'))).toString()).toBe('three,3\n');
  });

  it('counts UTF-16 newlines only at code-unit boundaries', async () => {
    // U+0A0A is two 0x0A bytes; only a real newline may end the preamble.
    const text = Buffer.from('\u0a0a\npre\nh,v\n', 'utf16le');
    expect((await collect(skipLines(chunksOf(...shredded(text)), 2, 'utf-16le'))).toString('utf16le')).toBe('h,v\n');
  });
});

describe('gunzipIfCompressed', () => {
  it('gunzips gzip data and leaves other data alone', async () => {
    const text = Buffer.from('a,b\n1,2\n');
    expect(await collect(gunzipIfCompressed(chunksOf(...shredded(gzipSync(text))), 'f.csv.gz'))).toEqual(text);
    expect(await collect(gunzipIfCompressed(chunksOf(text), 'f.csv'))).toEqual(text);
  });

  it('says so when gzip data is cut short', async () => {
    await expect(collect(gunzipIfCompressed(chunksOf(gzipSync(Buffer.from('a,b\n1,2\n')).subarray(0, 15)), 'f.csv.gz'))).rejects.toThrow(
      /f\.csv\.gz: starts like gzip but does not decompress/,
    );
  });
});
