import { usageError } from '../errors.js';

export interface CsvDialect {
  /** One character; the CLI also accepts `tab` and `\t`. */
  readonly delimiter: string;
}

export const DEFAULT_DIALECT: CsvDialect = { delimiter: ',' };

const DELIMITER_ALIASES: Readonly<Record<string, string>> = { tab: '\t', '\\t': '\t' };

export function parseDelimiter(text: string): string {
  const delimiter = DELIMITER_ALIASES[text.toLowerCase()] ?? text;
  if (delimiter.length !== 1) {
    throw usageError(`--delimiter must be one character, or "tab" (got "${text}")`);
  }
  if (delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw usageError(`--delimiter cannot be ${JSON.stringify(delimiter)}: it already means something in CSV`);
  }
  return delimiter;
}
