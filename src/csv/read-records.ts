import { parse, type CsvError, type Options } from 'csv-parse';
import { inputError } from '../errors.js';
import type { CsvDialect } from './dialect.js';
import { openSource, sourceName, type CsvSource } from './source.js';

export interface CsvRecord {
  readonly cells: string[];
  /** 1-based line on which the record starts; quoted newlines make a record span several lines. */
  readonly line: number;
}

/**
 * Streams the records of one CSV source, blank lines dropped, each with the line it starts on.
 * csv-parse reports the line a record ends on, so the start is recovered from the previous
 * record's end plus the blank lines skipped in between. This runs in `on_record`, as the parser
 * goes, so that a parse error can also name the line where its record started.
 */
export async function* readCsvRecords(source: CsvSource, dialect: CsvDialect): AsyncGenerator<CsvRecord> {
  const name = sourceName(source);
  const input = openSource(source);
  let previousEndLine = 0;
  let previousEmptyLines = 0;
  const startLine = (context: { empty_lines: number }) => previousEndLine + 1 + (context.empty_lines - previousEmptyLines);
  const options: Options<CsvRecord, string[]> = {
    delimiter: dialect.delimiter,
    bom: true,
    relax_column_count: true,
    // A stray quote inside an unquoted field is kept as a character rather than rejecting the file.
    relax_quotes: true,
    skip_empty_lines: true,
    on_record: (cells, context): CsvRecord => {
      const record = { cells: cells as string[], line: startLine(context) };
      previousEndLine = context.lines;
      previousEmptyLines = context.empty_lines;
      return record;
    },
  };
  // csv-parse's overloads cannot express an on_record that changes the record type.
  const parser = parse(options as unknown as Options);
  let readFailure: unknown;
  input.on('error', (error) => {
    readFailure = error;
    parser.destroy(error);
  });
  input.pipe(parser);

  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record;
  } catch (error) {
    if (readFailure !== undefined) throw describeReadError(name, readFailure);
    const context = error as { empty_lines?: unknown };
    const recordStart = typeof context.empty_lines === 'number' ? startLine({ empty_lines: context.empty_lines }) : previousEndLine + 1;
    throw describeParseError(name, error, recordStart);
  } finally {
    input.unpipe(parser);
    if ('path' in source) input.destroy();
  }
}

function describeReadError(name: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file; check the path'
      : code === 'EACCES'
        ? 'permission denied; check the file mode'
        : code === 'EISDIR'
          ? 'it is a directory; give a CSV file'
          : String((error as Error).message ?? error);
  return inputError(`cannot read ${name}: ${reason}`);
}

function describeParseError(name: string, error: unknown, recordStartLine: number): Error {
  const csvError = error as CsvError;
  switch (csvError.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return inputError(
        `${name}:${recordStartLine}: a quoted field opened here is never closed; close the quote or double it ("") inside the field`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return inputError(
        `${name}:${csvError.lines ?? recordStartLine}: text follows a closing quote in column ${Number(csvError.index ?? 0) + 1}; quote the whole field and double any quote inside it ("")`,
      );
    default:
      if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
        return inputError(`${name}:${csvError.lines ?? recordStartLine}: ${csvError.message}`);
      }
      return error instanceof Error ? error : new Error(String(error));
  }
}
