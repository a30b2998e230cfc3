import { parse, type Options } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { pick, seededRandom } from '../helpers/random.js';
import { CsvParser, type CsvParserOptions } from '../../src/csv/parser.js';



interface Case {
  readonly text: string;
  readonly options: CsvParserOptions;
}

function generateCase(seed: number): Case {
  const next = seededRandom(seed);
  const options: CsvParserOptions = {
    delimiter: pick(next, [',', ',', ';', '\t', '|']),
    quote: pick(next, ['"', '"', "'"]),
    trim: next() < 0.3,
    comment: next() < 0.3 ? '#' : undefined,
    maxRecordSize: 1 << 20,
  };
  const { delimiter, quote } = options;
  const plain = ['a', 'b', 'Z', '1', ' ', 'ü', '東', '🚀', '#', '\r', quote, '=', '\\', '"', "'"].filter((c) => c !== delimiter);
  const inQuotes = ['x', ' ', delimiter, '\n', '\r\n', `${quote}${quote}`, 'é', '\r', '#'];
  const field = (): string => {
    const kind = next();
    if (kind < 0.15) return '';
    if (kind < 0.55) {
      const cell = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(next, plain)).join('');
      // An unquoted field may not start with the quote, nor a record with the comment character.
      return cell.startsWith(quote) ? `a${cell}` : cell;
    }
    const padding = options.trim && next() < 0.5 ? ' ' : '';
    return `${padding}${quote}${Array.from({ length: Math.floor(next() * 4) }, () => pick(next, inQuotes)).join('')}${quote}${padding}`;
  };
  const lines: string[] = [];
  const count = Math.floor(next() * 8);
  for (let index = 0; index < count; index++) {
    const roll = next();
    if (roll < 0.1) lines.push('');
    else if (roll < 0.2 && options.comment !== undefined) lines.push(`# a comment, with "quotes"`);
    else {
      let line = Array.from({ length: 1 + Math.floor(next() * 4) }, field).join(delimiter);
      // Keep records away from the comment character at their start: csv-parse and csv-push
      // agree there, but a stray '#' there would make it a comment line in both.
      if (options.comment !== undefined && line.startsWith('#')) line = `x${line}`;
      lines.push(line);
    }
  }
  const text = lines.map((line) => `${line}${pick(next, ['\n', '\r\n'])}`).join('') + (next() < 0.3 ? field() : '');
  return { text, options };
}

function withCsvParse(testCase: Case): string[][] | 'error' {
  const { options } = testCase;
  const csvParseOptions: Options = {
    delimiter: options.delimiter,
    quote: options.quote,
    escape: options.quote,
    trim: options.trim,
    ...(options.comment === undefined ? {} : { comment: options.comment, comment_no_infix: true }),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n'],
  };
  try {
    return parse(testCase.text, csvParseOptions) as string[][];
  } catch {
    return 'error';
  }
}

function withCsvPush(testCase: Case, chunkSize: number): string[][] | 'error' {
  const records: string[][] = [];
  const parser = new CsvParser(testCase.options, 'generated.csv', (cells) => records.push(cells));
  try {
    for (let at = 0; at < testCase.text.length; at += chunkSize) parser.write(testCase.text.slice(at, at + chunkSize));
    parser.end();
    return records;
  } catch {
    return 'error';
  }
}

describe('the CSV parser reads what csv-parse reads', () => {
  it.each(Array.from({ length: 1000 }, (_, seed) => seed))('generated CSV, seed %i', (seed) => {
    const testCase = generateCase(seed);
    const expected = withCsvParse(testCase);
    // Whole, and cut into small pieces that split quotes, CRLFs and surrogate pairs.
    expect(withCsvPush(testCase, 1 << 20)).toEqual(expected);
    expect(withCsvPush(testCase, 1 + (seed % 5))).toEqual(expected);
  });
});

describe('CsvParser line numbers', () => {
  it('counts blank lines, comment lines and line breaks in quoted fields, CRLF included', () => {
    const lines: number[] = [];
    const parser = new CsvParser({ delimiter: ',', quote: '"', trim: false, comment: '#', maxRecordSize: 100 }, 'f.csv', (_, line) => lines.push(line), 2);
    parser.write('h,v\r\n\r\n#note\r\n"a\r\nb\nc",1\r\nx,2');
    parser.end();
    expect(lines).toEqual([3, 6, 9]);
  });

  it('bounds a record, naming where it started', () => {
    const parser = new CsvParser({ delimiter: ',', quote: '"', trim: false, comment: undefined, maxRecordSize: 10 }, 'f.csv', () => {});
    expect(() => {
      parser.write('h\nok\n"runaway');
      parser.write(' quote goes on and on');
    }).toThrow('f.csv:3: the record starting here grows past 10 characters');
  });
});
