import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { CsvPushError, inputError } from '../errors.js';
import { gunzipIfCompressed, requireUtf8, skipLines } from './byte-stages.js';
import type { CsvDialect } from './dialect.js';
import { openSource, sourceName, type CsvSource } from './source.js';

/** Receives each record with the 1-based line it starts on; may throw to stop reading. */
export type RecordHandler = (cells: string[], line: number) => void;

const CSV_PARSE_ENCODING = { 'utf-8': 'utf8', latin1: 'latin1', 'utf-16le': 'utf16le' } as const;

/**
 * Reads one CSV source, blank and comment lines dropped, handing each record to `onRecord` with
 * the line it starts on. A record starts where the previous one ended plus the blank and comment
 * lines csv-parse skipped in between; it spans one line more than the line feeds in its cells.
 * (csv-parse's own line count takes a CRLF inside a quoted field for two lines.) Records are
 * handled in the parser's synchronous 'data' events, when its live `info` still describes that
 * record: asking csv-parse for a per-record info object costs more than the parsing.
 */
export function readCsv(source: CsvSource, dialect: CsvDialect, onRecord: RecordHandler): Promise<void> {
  const name = sourceName(source);
  const lineOffset = dialect.skipLines;
  let nextLine = 1;
  let previousEmptyLines = 0;
  let previousCommentLines = 0;
  const startLine = (context: { empty_lines: number; comment_lines: number }) =>
    nextLine + (context.empty_lines - previousEmptyLines) + (context.comment_lines - previousCommentLines);

  const parser = parse({
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    // RFC 4180 escapes a quote by doubling it, whichever character quotes.
    escape: dialect.quote,
    trim: dialect.trim,
    ...(dialect.comment === undefined ? {} : { comment: dialect.comment, comment_no_infix: true }),
    encoding: CSV_PARSE_ENCODING[dialect.encoding],
    bom: true,
    // Both line endings anywhere: files glued together from several tools mix them, and
    // auto-detection would otherwise fold a bare LF into a field of a CRLF file.
    record_delimiter: ['\r\n', '\n'],
    max_record_size: dialect.maxRecordSize,
    relax_column_count: true,
    // A stray quote inside an unquoted field is kept as a character rather than rejecting the file.
    relax_quotes: true,
    skip_empty_lines: true,
  });

  const raw = openSource(source) as AsyncIterable<Buffer>;
  const unzipped = gunzipIfCompressed(raw, name);
  const afterPreamble = skipLines(unzipped, dialect.skipLines, dialect.encoding);
  const bytes = dialect.encoding === 'utf-8' ? requireUtf8(afterPreamble, name, lineOffset + 1) : afterPreamble;

  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(describeFailure(error, name, dialect, startLine, nextLine));
    };
    parser.on('data', (cells: string[]) => {
      if (failed) return;
      const { info } = parser;
      const start = startLine(info);
      nextLine = start + 1 + lineFeedsIn(cells);
      previousEmptyLines = info.empty_lines;
      previousCommentLines = info.comment_lines;
      try {
        onRecord(cells, start + lineOffset);
      } catch (error) {
        fail(error);
        parser.destroy();
      }
    });
    parser.on('end', () => {
      if (!failed) resolve();
    });
    pipeline(Readable.from(bytes, { objectMode: false }), parser, (error) => {
      if (error) fail(error);
    });
  });
}

function describeFailure(
  error: unknown,
  name: string,
  dialect: CsvDialect,
  startLine: (context: { empty_lines: number; comment_lines: number }) => number,
  nextLine: number,
): Error {
  if (error instanceof CsvPushError) return error;
  if (isFileError(error)) return describeReadError(name, error);
  const context = error as { empty_lines?: unknown; comment_lines?: unknown };
  const recordStart =
    typeof context.empty_lines === 'number' && typeof context.comment_lines === 'number'
      ? startLine({ empty_lines: context.empty_lines, comment_lines: context.comment_lines })
      : nextLine;
  return describeParseError(name, error, recordStart + dialect.skipLines, dialect);
}

function lineFeedsIn(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at !== -1; at = cell.indexOf('\n', at + 1)) count++;
  }
  return count;
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
