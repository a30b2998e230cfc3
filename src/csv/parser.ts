import { inputError } from '../errors.js';

export interface CsvParserOptions {
  readonly delimiter: string;
  readonly quote: string;
  /** Strip blanks around fields (outside the quotes of quoted ones). */
  readonly trim: boolean;
  readonly comment: string | undefined;
  readonly maxRecordSize: number;
}

/** Receives each record with the 1-based line it starts on; may throw to stop reading. */
export type RecordHandler = (cells: string[], line: number) => void;

const LF = 10;
const CR = 13;

/** Characters `trim` strips, as csv-parse's trim does: blanks and CR, never the delimiter (a tab, in TSV). */
function isBlank(code: number, delimiter: number): boolean {
  return (code === 32 || code === 9 || code === 12 || code === CR) && code !== delimiter;
}

/**
 * A streaming RFC 4180 parser over decoded text, behaving as csv-parse does with the options
 * csv-push gives it (test/unit/csv-parser-equivalence.test.ts holds it to that), at a fraction
 * of the cost: csv-parse took most of a 100,000-row push. It knows each record's starting line
 * exactly, blank and comment lines and quoted line breaks included.
 *
 * - Records end at LF or CRLF, outside quotes; a lone CR is an ordinary character.
 * - A field that starts with the quote character is quoted; inside it, a doubled quote is one
 *   quote. A quote anywhere else in an unquoted field is kept as it is.
 * - Empty lines are skipped; so are lines starting with the comment character, if one is set.
 * - An unclosed quote, or a record larger than maxRecordSize characters, is an input error
 *   naming the line where the record started.
 */
export class CsvParser {
  private carry = '';
  private carryLine = 1;
  private readonly delimiter: number;
  private readonly quote: number;
  private readonly quoteChar: string;
  private readonly comment: number;

  constructor(
    private readonly options: CsvParserOptions,
    private readonly file: string,
    private readonly onRecord: RecordHandler,
    /** Lines dropped before the text begins (a preamble), so line numbers match the file. */
    lineOffset = 0,
  ) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.quote = options.quote.charCodeAt(0);
    this.quoteChar = options.quote;
    this.comment = options.comment === undefined ? -1 : options.comment.charCodeAt(0);
    this.carryLine = 1 + lineOffset;
  }

  write(text: string): void {
    this.parse(this.carry === '' ? text : this.carry + text, false);
  }

  end(): void {
    this.parse(this.carry, true);
  }

  /** Parses every complete record of `text`; keeps the incomplete tail for the next chunk. */
  private parse(text: string, atEnd: boolean): void {
    const { delimiter, quote, comment } = this;
    const { trim } = this.options;
    const length = text.length;
    let pos = 0;
    let line = this.carryLine;

    records: while (pos < length) {
      const recordStart = pos;
      const recordLine = line;
      const first = text.charCodeAt(pos);

      if (first === LF) {
        pos++;
        line++;
        continue;
      }
      if (first === CR && pos + 1 < length && text.charCodeAt(pos + 1) === LF) {
        pos += 2;
        line++;
        continue;
      }
      if (first === CR && pos + 1 === length && !atEnd) break; // a CRLF may be cut between chunks
      let commentAt = pos;
      // With trim, csv-parse takes blanks before the comment character for indentation.
      if (trim && comment !== -1) while (commentAt < length && isBlank(text.charCodeAt(commentAt), delimiter)) commentAt++;
      if (commentAt < length && text.charCodeAt(commentAt) === comment) {
        const newline = text.indexOf('\n', pos);
        if (newline === -1) {
          if (!atEnd) break;
          pos = length;
          continue;
        }
        pos = newline + 1;
        line++;
        continue;
      }

      const cells: string[] = [];
      let quotedFields = 0;
      for (;;) {
        let start = pos;
        if (trim) while (start < length && isBlank(text.charCodeAt(start), delimiter)) start++;

        if (start < length && text.charCodeAt(start) === quote) {
          let value = '';
          let segment = start + 1;
          let closing: number;
          for (;;) {
            closing = text.indexOf(this.quoteChar, segment);
            if (closing === -1 || (closing + 1 === length && !atEnd)) {
              if (!atEnd) {
                pos = recordStart;
                line = recordLine;
                break records;
              }
              throw inputError(
                `${this.file}:${recordLine}: a quoted field opened here is never closed; close the quote or double it (${this.quoteChar}${this.quoteChar}) inside the field`,
              );
            }
            if (closing + 1 < length && text.charCodeAt(closing + 1) === quote) {
              value += text.slice(segment, closing + 1);
              segment = closing + 2;
              continue;
            }
            value += text.slice(segment, closing);
            break;
          }
          line += lineFeeds(text, start, closing);
          quotedFields++;
          pos = closing + 1;
          if (trim) while (pos < length && isBlank(text.charCodeAt(pos), delimiter)) pos++;
          const next = pos < length ? text.charCodeAt(pos) : -1;
          cells.push(value);
          if (next === delimiter) {
            pos++;
            continue;
          }
          if (next === LF) {
            pos++;
            line++;
            break;
          }
          if (next === CR && pos + 1 < length && text.charCodeAt(pos + 1) === LF) {
            pos += 2;
            line++;
            break;
          }
          if (next === -1 || (next === CR && pos + 1 === length)) {
            if (!atEnd) {
              pos = recordStart;
              line = recordLine;
              break records;
            }
            if (next === -1) break;
          }
          throw inputError(
            `${this.file}:${line}: text follows a closing quote in column ${cells.length}; quote the whole field and double any quote inside it`,
          );
        }

        let end = pos;
        let code = -1;
        while (end < length) {
          code = text.charCodeAt(end);
          if (code === delimiter || code === LF) break;
          end++;
        }
        if (end === length) {
          if (!atEnd) {
            pos = recordStart;
            line = recordLine;
            break records;
          }
          code = -1;
        }
        let valueEnd = code === LF && end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        let valueStart = pos;
        if (trim) {
          while (valueStart < valueEnd && isBlank(text.charCodeAt(valueStart), delimiter)) valueStart++;
          while (valueEnd > valueStart && isBlank(text.charCodeAt(valueEnd - 1), delimiter)) valueEnd--;
        }
        cells.push(text.slice(valueStart, valueEnd));
        pos = end + 1;
        if (code === delimiter) {
          if (pos === length && atEnd) {
            // A delimiter at the very end of the text still opens one last, empty field.
            cells.push('');
            break;
          }
          continue;
        }
        if (code === LF) line++;
        break;
      }

      if (pos - recordStart > this.options.maxRecordSize) this.tooLarge(recordLine);
      // With trim, a line of nothing but blanks is an empty line, as csv-parse has it.
      if (trim && quotedFields === 0 && cells.length === 1 && cells[0] === '') continue;
      this.onRecord(cells, recordLine);
    }

    this.carry = pos >= length ? '' : text.slice(pos);
    this.carryLine = line;
    if (this.carry.length > this.options.maxRecordSize) this.tooLarge(line);
  }

  private tooLarge(line: number): never {
    throw inputError(
      `${this.file}:${line}: the record starting here grows past ${this.options.maxRecordSize} characters, most likely from an unclosed quote; close it, or raise --max-record-size`,
    );
  }
}

function lineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
