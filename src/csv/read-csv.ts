import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type * as CsvParse from 'csv-parse';
import type { CsvError, Info, Options as CsvParseOptions } from 'csv-parse';
import { CsvPushError, inputError } from '../errors.js';
import { requirePackage } from '../node-builtins.js';
import { gunzipIfCompressed, requireUtf8, skipLines } from './byte-stages.js';
import type { CsvDialect } from './dialect.js';
import { openSource, sourceName, type ByteProgress, type CsvSource, type OpenedSource } from './source.js';

// csv-parse's CommonJS build: the same parser in one file instead of ten modules (node-builtins.ts).
const { parse } = requirePackage('csv-parse') as typeof CsvParse;

/**
 * Receives each record with the 1-based line of the file it starts on; may throw to stop reading,
 * and may return a promise (for the header), which is awaited before the next record.
 */
export type RecordHandler = (cells: string[], line: number) => void | Promise<void>;

const DECODER_ENCODING = { latin1: 'latin1', 'utf-16le': 'utf16le' } as const;

/** What csv-parse is told for a dialect: rows of any length kept, blank lines handed on to be counted. */
function parserOptions(dialect: CsvDialect): CsvParseOptions {
  return {
    delimiter: dialect.delimiter,
    // `false` (--quote none) makes every quote an ordinary character.
    quote: dialect.quote,
    // RFC 4180: a quote inside a quoted field is written twice, whatever the quote character.
    escape: dialect.quote === false ? null : dialect.quote,
    trim: dialect.trim,
    ...(dialect.comment === undefined ? {} : { comment: dialect.comment, comment_no_infix: true }),
    // LF and CRLF may be mixed in one file; csv-parse would otherwise keep to the first one it sees.
    record_delimiter: ['\r\n', '\n'],
    // A quote inside an unquoted field (`5" pipe`) is an ordinary character.
    relax_quotes: true,
    // The row mapper says which rows have the wrong number of cells, with their lines.
    relax_column_count: true,
    // Blank lines come through as one empty cell, so that counting records counts lines.
    skip_empty_lines: false,
    bom: true,
    max_record_size: dialect.maxRecordSize,
  };
}

interface ParsedRecord {
  readonly cells: string[];
  readonly line: number;
}

/** csv-parse's typings tie what on_record returns to the `columns` option; ours pairs the cells with their line. */
function withLine(onRecord: (cells: string[], info: Info) => ParsedRecord): CsvParseOptions['on_record'] {
  return onRecord as unknown as CsvParseOptions['on_record'];
}

/** A blank line (or one of blanks, with trim), as csv-parse hands it on. */
function isBlankLine(cells: readonly string[]): boolean {
  return cells.length === 1 && cells[0] === '';
}

/**
 * Knows the line each record starts on. Where csv-parse hands on every line (blank ones as a
 * record of one empty cell), counting is enough: a record spans one line more than the line
 * feeds in its cells. Comment lines are not handed on, so with --comment the line comes from
 * csv-parse's own count, which takes a per-record info object (slower, so only then). That count
 * takes each CR inside a quoted field as a line break of its own (a CRLF there counts twice, and
 * every line after it is one further off): the true line is its count less every CR so far.
 */
class LineCounter {
  /** The line the next record starts on, where counting is enough. */
  private next: number;
  private carriageReturns = 0;
  /** With csv-parse's count: where the last record ended, and its comment-line count then. */
  private lastEnd = { line: 0, commentLines: 0 };

  constructor(
    private readonly lineOffset: number,
    readonly countsItself: boolean,
  ) {
    this.next = lineOffset + 1;
  }

  /** Counting: takes the next record's cells; returns the line it starts on. */
  counted(cells: readonly string[]): number {
    const start = this.next;
    this.next = start + 1 + countOf(cells, '\n');
    return start;
  }

  /** With csv-parse's info for the record: returns the line it starts on. */
  fromInfo(cells: readonly string[], info: Info): number {
    this.carriageReturns += countOf(cells, '\r');
    const endLine = this.lineOffset + info.lines - this.carriageReturns;
    this.lastEnd = { line: endLine, commentLines: info.comment_lines };
    return endLine - countOf(cells, '\n');
  }

  /** The line a record that failed to parse starts on, once every record before it was taken. */
  failedRecordLine(error: CsvError): number {
    if (this.countsItself) return this.next;
    const commentLines = (error as CsvError & Partial<Info>).comment_lines ?? this.lastEnd.commentLines;
    return this.lastEnd.line + 1 + commentLines - this.lastEnd.commentLines;
  }
}

function countOf(cells: readonly string[], character: '\n' | '\r'): number {
  let count = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf(character); at !== -1; at = cell.indexOf(character, at + 1)) count++;
  }
  return count;
}

/** A csv-parse error, with how many records (blank lines included) csv-parse handed on before it. */
interface ParseFailure {
  readonly error: CsvError;
  readonly afterRecords: number;
}

/**
 * Reads one CSV source: decompressed if it is gzip, its preamble dropped, checked to be the
 * encoding it claims, and parsed by csv-parse, each record handed to `onRecord` with the line it
 * starts on. Blank and comment lines are dropped.
 */
export async function readCsv(source: CsvSource, dialect: CsvDialect, onRecord: RecordHandler, onBytes?: ByteProgress): Promise<void> {
  const name = sourceName(source);
  const lines = new LineCounter(dialect.skipLines, dialect.comment === undefined);
  let input: OpenedSource | undefined;
  let failure: ParseFailure | undefined;
  let taken = 0;
  const failed = (error: CsvError): CsvPushError => describeCsvError(name, error, dialect, lines.failedRecordLine(error));
  try {
    input = openSource(source, dialect.encoding, onBytes);
    const unzipped = gunzipIfCompressed(input.chunks, name);
    const afterPreamble = skipLines(unzipped, dialect.skipLines, dialect.encoding);
    const text =
      dialect.encoding === 'utf-8'
        ? requireUtf8(afterPreamble, name, dialect.skipLines + 1)
        : decoded(afterPreamble, dialect.encoding, name, dialect.skipLines + 1);
    const parser = parse({
      ...parserOptions(dialect),
      // A parse error would end the stream at once, dropping the records parsed before it that
      // were not handed on yet; reported this way instead, it is raised in its place, after them.
      skip_records_with_error: true,
      on_skip: (error) => {
        if (failure === undefined && error !== undefined) failure = { error, afterRecords: (error as CsvError & Partial<Info>).records ?? 0 };
        return undefined;
      },
      ...(lines.countsItself ? {} : { on_record: withLine((cells, info) => ({ cells, line: lines.fromInfo(cells, info) })) }),
    });
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        parser.destroy();
        reject(error);
      };
      // 'data' events, not an async iterator: a promise per record would cost more than the record.
      parser.on('data', (record: string[] | ParsedRecord) => {
        if (settled) return;
        try {
          if (failure !== undefined && taken === failure.afterRecords) throw failed(failure.error);
          taken++;
          const cells = Array.isArray(record) ? record : record.cells;
          const line = Array.isArray(record) ? lines.counted(record) : record.line;
          if (isBlankLine(cells)) return;
          const handled = onRecord(cells, line);
          if (handled === undefined) return;
          parser.pause();
          handled.then(() => parser.resume(), fail);
        } catch (error) {
          fail(error);
        }
      });
      parser.on('end', () => {
        if (failure !== undefined) return fail(failed(failure.error));
        settled = true;
        resolve();
      });
      parser.on('error', fail);
      Readable.from(text).on('error', (error) => parser.destroy(error)).pipe(parser);
    });
  } catch (error) {
    if (error instanceof CsvPushError) throw error;
    if (isFileError(error)) throw describeReadError(name, error);
    throw error;
  } finally {
    input?.close();
  }
}

/**
 * Latin-1 and UTF-16LE are decoded by Node before csv-parse sees them; csv-parse reads UTF-8.
 * UTF-16LE is held to be well formed, as UTF-8 is: a lone surrogate or a trailing odd byte would
 * otherwise become U+FFFD (merging distinct rows) or vanish without a word.
 */
async function* decoded(chunks: AsyncIterable<Buffer>, encoding: keyof typeof DECODER_ENCODING, file: string, firstLine: number): AsyncGenerator<string> {
  const decoder = new StringDecoder(DECODER_ENCODING[encoding]);
  const strict = encoding === 'utf-16le';
  let bytes = 0;
  let linesBefore = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    // A byte order mark decoded here reaches csv-parse as UTF-8's, which its `bom` option drops.
    const text = decoder.write(chunk);
    if (strict) {
      // A high surrogate ending the text may be completed by the next chunk's first unit.
      const complete = /[\uD800-\uDBFF]$/.test(text) ? text.slice(0, -1) : text;
      const lone = firstLoneSurrogate(complete);
      if (lone < complete.length) throw notUtf16(file, firstLine + linesBefore + countOf([complete.slice(0, lone)], '\n'));
      linesBefore += countOf([text], '\n');
    }
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (strict && (bytes % 2 === 1 || firstLoneSurrogate(rest) < rest.length)) {
    throw inputError(`${file}:${firstLine + linesBefore}: the file ends in the middle of a UTF-16 character; check that it is complete and really UTF-16LE`);
  }
  if (rest !== '') yield rest;
}

/** Where the first surrogate without its pair is, or the length when there is none. */
function firstLoneSurrogate(text: string): number {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code >= 0xd800 && code <= 0xdbff && at + 1 < text.length && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00) {
      at++;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) return at;
  }
  return text.length;
}

function notUtf16(file: string, line: number): CsvPushError {
  return inputError(`${file}:${line}: the text is not valid UTF-16LE (a lone surrogate); check the file's encoding and pass the right --encoding`);
}

/** Files that use quotes as ordinary characters (TSV exports, free text) fail on them: say how to read them so. */
const QUOTES_AS_TEXT = 'or, if quotes in this file are ordinary characters, pass --quote none';

function describeCsvError(file: string, error: CsvError, dialect: CsvDialect, line: number): CsvPushError {
  const quote = dialect.quote === false ? '' : dialect.quote;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return inputError(
        `${file}:${line}: a quoted field opened here is never closed; close the quote or double it (${quote}${quote}) inside the field, ${QUOTES_AS_TEXT}`,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return inputError(
        `${file}:${line}: the record starting here grows past ${dialect.maxRecordSize} bytes, most likely from an unclosed quote; close it, raise --max-record-size, ${QUOTES_AS_TEXT}`,
      );
    default:
      return inputError(`${file}:${line}: ${error.message.replace(/ at line \d+/, '')}; check the quoting of this record, ${QUOTES_AS_TEXT}`);
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
