import { usageError } from '../errors.js';

export type TextEncoding = 'utf-8' | 'latin1' | 'utf-16le';

export interface CsvDialect {
  /** One character; the CLI also accepts `tab` and `\t`. */
  readonly delimiter: string;
  /** `false`: quoting is off, every quote is an ordinary character. */
  readonly quote: string | false;
  /** Strip spaces around unquoted fields. */
  readonly trim: boolean;
  /** Lines starting with this character are ignored. */
  readonly comment: string | undefined;
  /** Lines above the header to drop, a preamble. */
  readonly skipLines: number;
  readonly encoding: TextEncoding;
  /** Bound on one record's size in characters: an unclosed quote must not swallow the whole file. */
  readonly maxRecordSize: number;
}

export const DEFAULT_MAX_RECORD_SIZE = 1 << 20;

export const DEFAULT_DIALECT: CsvDialect = {
  delimiter: ',',
  quote: '"',
  trim: false,
  comment: undefined,
  skipLines: 0,
  encoding: 'utf-8',
  maxRecordSize: DEFAULT_MAX_RECORD_SIZE,
};

/** What a library caller or the CLI may set; every field falls back to DEFAULT_DIALECT. */
export interface CsvDialectOptions {
  readonly delimiter?: string | undefined;
  /** One character; `'none'` or `false` turns quoting off. */
  readonly quote?: string | false | undefined;
  readonly trim?: boolean | undefined;
  readonly comment?: string | undefined;
  readonly skipLines?: number | undefined;
  readonly encoding?: string | undefined;
  readonly maxRecordSize?: number | undefined;
}

const DELIMITER_ALIASES: Readonly<Record<string, string>> = { tab: '\t', '\\t': '\t' };

const ENCODING_ALIASES: Readonly<Record<string, TextEncoding>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  latin1: 'latin1',
  'latin-1': 'latin1',
  'iso-8859-1': 'latin1',
  iso88591: 'latin1',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
};

export function parseDelimiter(text: string): string {
  const delimiter = DELIMITER_ALIASES[text.toLowerCase()] ?? text;
  return singleCharacter(delimiter, '--delimiter', text, ' or "tab"');
}

function singleCharacter(value: string, option: string, given: string, alternatives = ''): string {
  if (value.length !== 1) throw usageError(`${option} must be one character${alternatives} (got ${JSON.stringify(given)})`);
  if (value === '\n' || value === '\r') throw usageError(`${option} cannot be a line break`);
  return value;
}

export function parseEncoding(text: string): TextEncoding {
  const encoding = ENCODING_ALIASES[text.toLowerCase()];
  if (encoding === undefined) {
    throw usageError(`--encoding ${JSON.stringify(text)} is not supported; use utf-8, latin1 or utf-16le`);
  }
  return encoding;
}

function parseQuote(quote: string | false | undefined): string | false {
  if (quote === undefined) return DEFAULT_DIALECT.quote;
  if (quote === false || quote.toLowerCase() === 'none') return false;
  return singleCharacter(quote, '--quote', quote, ' or "none"');
}

export function resolveDialect(options: CsvDialectOptions): CsvDialect {
  const dialect: CsvDialect = {
    delimiter: options.delimiter === undefined ? DEFAULT_DIALECT.delimiter : parseDelimiter(options.delimiter),
    quote: parseQuote(options.quote),
    trim: options.trim ?? DEFAULT_DIALECT.trim,
    comment: options.comment === undefined ? undefined : singleCharacter(options.comment, '--comment', options.comment),
    skipLines: options.skipLines ?? DEFAULT_DIALECT.skipLines,
    encoding: options.encoding === undefined ? DEFAULT_DIALECT.encoding : parseEncoding(options.encoding),
    maxRecordSize: options.maxRecordSize ?? DEFAULT_DIALECT.maxRecordSize,
  };
  const roles: [string, string | undefined][] = [
    ['--delimiter', dialect.delimiter],
    ['--quote', dialect.quote === false ? undefined : dialect.quote],
    ['--comment', dialect.comment],
  ];
  for (const [index, [option, value]] of roles.entries()) {
    for (const [otherOption, otherValue] of roles.slice(index + 1)) {
      if (value !== undefined && value === otherValue) throw usageError(`${option} and ${otherOption} cannot both be ${JSON.stringify(value)}`);
    }
  }
  if (!Number.isInteger(dialect.skipLines) || dialect.skipLines < 0) throw usageError('--skip-lines must be a whole number (0 or more)');
  if (!Number.isInteger(dialect.maxRecordSize) || dialect.maxRecordSize < 1) throw usageError('--max-record-size must be a positive whole number');
  return dialect;
}
