import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import { CsvPushError, inputError } from '../errors.js';
import { gunzipIfCompressed, requireUtf8, skipLines } from './byte-stages.js';
import type { CsvDialect } from './dialect.js';
import { openSource, sourceName, type CsvSource } from './source.js';

export interface CsvRecord {
  readonly cells: string[];
  /** 1-based line on which the record starts; quoted newlines make a record span several lines. */
  readonly line: number;
}

const CSV_PARSE_ENCODING = { 'utf-8': 'utf8', latin1: 'latin1', 'utf-16le': 'utf16le' } as const;

/**
 * Streams the records of one CSV source, blank and comment lines dropped, each with the line it
 * starts on. csv-parse reports the line a record ends on, so the start is recovered from the
 * previous record's end plus the blank and comment lines skipped in between. This runs in
 * `on_record`, as the parser goes, so that a parse error can also name where its record started.
 */
export async function* readCsvRecords(source: CsvSource, dialect: CsvDialect): AsyncGenerator<CsvRecord> {
  const name = sourceName(source);
  const lineOffset = dialect.skipLines;
  let previousEndLine = 0;
  let previousEmptyLines = 0;
  let previousCommentLines = 0;
  const startLine = (context: { empty_lines: number; comment_lines: number }) =>
    previousEndLine + 1 + (context.empty_lines - previousEmptyLines) + (context.comment_lines - previousCommentLines);
  const options: Options<CsvRecord, string[]> = {
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    // RFC 4180 escapes a quote by doubling it, whichever character quotes.
    escape: dialect.quote,
    trim: dialect.trim,
    ...(dialect.comment === undefined ? {} : { comment: dialect.comment, comment_no_infix: true }),
    encoding: CSV_PARSE_ENCODING[dialect.encoding],
    bom: true,
    max_record_size: dialect.maxRecordSize,
    relax_column_count: true,
    // A stray quote inside an unquoted field is kept as a character rather than rejecting the file.
    relax_quotes: true,
    skip_empty_lines: true,
    on_record: (cells, context): CsvRecord => {
      const record = { cells: cells as string[], line: startLine(context) + lineOffset };
      previousEndLine = context.lines;
      previousEmptyLines = context.empty_lines;
      previousCommentLines = context.comment_lines;
      return record;
    },
  };
  // csv-parse's overloads cannot express an on_record that changes the record type.
  const parser = parse(options as unknown as Options);

  const raw = openSource(source) as AsyncIterable<Buffer>;
  const unzipped = gunzipIfCompressed(raw, name);
  const afterPreamble = skipLines(unzipped, dialect.skipLines, dialect.encoding);
  const bytes = dialect.encoding === 'utf-8' ? requireUtf8(afterPreamble, name, lineOffset + 1) : afterPreamble;
  pipeline(Readable.from(bytes, { objectMode: false }), parser, () => {
    // Errors reach the consumer through the parser's iterator below.
  });

  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record;
  } catch (error) {
    if (error instanceof CsvPushError) throw error;
    if (isFileError(error)) throw describeReadError(name, error);
    const context = error as { empty_lines?: unknown; comment_lines?: unknown };
    const recordStart =
      typeof context.empty_lines === 'number' && typeof context.comment_lines === 'number'
        ? startLine({ empty_lines: context.empty_lines, comment_lines: context.comment_lines })
        : previousEndLine + 1;
    throw describeParseError(name, error, recordStart + lineOffset, dialect);
  } finally {
    parser.destroy();
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

function describeParseError(name: string, error: unknown, recordStartLine: number, dialect: CsvDialect): Error {
  const csvError = error as CsvError;
  switch (csvError.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return inputError(
        `${name}:${recordStartLine}: a quoted field opened here is never closed; close the quote or double it (${dialect.quote}${dialect.quote}) inside the field`,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return inputError(
        `${name}:${recordStartLine}: the record starting here grows past ${dialect.maxRecordSize} characters, most likely from an unclosed quote; close it, or raise --max-record-size`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return inputError(
        `${name}:${Number(csvError.lines ?? recordStartLine) + dialect.skipLines}: text follows a closing quote in column ${Number(csvError.column ?? 0) + 1}; quote the whole field and double any quote inside it`,
      );
    default:
      if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
        return inputError(`${name}:${recordStartLine}: ${csvError.message}`);
      }
      return error instanceof Error ? error : new Error(String(error));
  }
}
