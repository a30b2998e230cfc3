import { StringDecoder } from 'node:string_decoder';
import { CsvPushError, inputError } from '../errors.js';
import { gunzipIfCompressed, requireUtf8, skipLines } from './byte-stages.js';
import type { CsvDialect } from './dialect.js';
import { CsvParser, type RecordHandler } from './parser.js';
import { openSource, sourceName, type CsvSource, type OpenedSource } from './source.js';

export type { RecordHandler } from './parser.js';

const DECODER_ENCODING = { 'utf-8': 'utf8', latin1: 'latin1', 'utf-16le': 'utf16le' } as const;

/**
 * Reads one CSV source: decompressed if it is gzip, its preamble dropped, checked to be the
 * encoding it claims, decoded, and parsed, each record handed to `onRecord` with the line it
 * starts on. Blank and comment lines are dropped.
 */
export async function readCsv(source: CsvSource, dialect: CsvDialect, onRecord: RecordHandler): Promise<void> {
  const name = sourceName(source);
  const parser = new CsvParser(dialect, name, onRecord, dialect.skipLines);
  const decoder = new StringDecoder(DECODER_ENCODING[dialect.encoding]);
  let input: OpenedSource | undefined;
  try {
    input = openSource(source);
    const unzipped = gunzipIfCompressed(input.chunks, name);
    const afterPreamble = skipLines(unzipped, dialect.skipLines, dialect.encoding);
    const bytes = dialect.encoding === 'utf-8' ? requireUtf8(afterPreamble, name, dialect.skipLines + 1) : afterPreamble;
    let first = true;
    for await (const chunk of bytes) {
      let text = decoder.write(chunk);
      if (first && text !== '') {
        // A byte order mark says which encoding; it is not part of the first header.
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      parser.write(text);
    }
    parser.write(decoder.end());
    parser.end();
  } catch (error) {
    if (error instanceof CsvPushError) throw error;
    if (isFileError(error)) throw describeReadError(name, error);
    throw error;
  } finally {
    input?.close();
  }
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

function describeReadError(name: string, error: NodeJS.ErrnoException): Error {
  const reasons: Record<string, string> = {
    ENOENT: 'no such file; check the path',
    EACCES: 'permission denied; check the file mode',
    EISDIR: 'it is a directory; give a CSV file',
  };
  return inputError(`cannot read ${name}: ${reasons[error.code ?? ''] ?? error.message}`);
}
