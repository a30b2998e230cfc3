import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readHeader } from '../../src/csv/header.js';
import { readCsv } from '../../src/csv/read-csv.js';

interface CsvRecord {
  readonly cells: string[];
  readonly line: number;
}
import { DEFAULT_DIALECT, parseDelimiter, resolveDialect, type CsvDialectOptions } from '../../src/csv/dialect.js';

async function records(text: string | Buffer, delimiter = ',', dialect: CsvDialectOptions = {}): Promise<CsvRecord[]> {
  const result: CsvRecord[] = [];
  await readCsv({ name: 'test.csv', stream: Readable.from([Buffer.from(text)]) }, resolveDialect({ delimiter, ...dialect }), (cells, line) => {
    result.push({ cells, line });
  });
  return result;
}

describe('readCsv', () => {
  it('follows RFC 4180 quoting and reports the line each record starts on', async () => {
    expect(await records('a,b\n"x, y","say ""hi"""\n"two\nlines",z\nlast,row')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['x, y', 'say "hi"'], line: 2 },
      { cells: ['two\nlines', 'z'], line: 3 },
      { cells: ['last', 'row'], line: 5 },
    ]);
  });

  it('drops a BOM, accepts CRLF, and skips blank lines without losing count', async () => {
    expect(await records('\ufeffa,b\r\n\r\n1,2\r\n\r\n\r\n3,4\r\n')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['1', '2'], line: 3 },
      { cells: ['3', '4'], line: 6 },
    ]);
  });

  it('accepts LF and CRLF mixed in one file, without folding a line into a field', async () => {
    expect(await records('a,b\r\n1,2\n3,"x\r\ny"\r\n5,6\n')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['1', '2'], line: 2 },
      { cells: ['3', 'x\r\ny'], line: 3 },
      { cells: ['5', '6'], line: 5 },
    ]);
  });

  it('keeps rows of the wrong length for the mapper to judge', async () => {
    expect((await records('a,b\n1\n1,2,3\n')).map((record) => record.cells.length)).toEqual([2, 1, 3]);
  });

  it('names the line of an unclosed quote', async () => {
    await expect(records('a,b\n1,2\n3,"open\n4,5\n')).rejects.toThrow('test.csv:3: a quoted field opened here is never closed');
  });

  it('names the line of an unclosed quote far down a file, after every record before it', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => `host-${index},${index}`).join('\n');
    await expect(records(`a,b\n${rows}\n\n"x\r\ny",1\nlast,"open\n1,2\n`)).rejects.toThrow('test.csv:20005: a quoted field opened here is never closed');
  });

  it('names the line of a record over --max-record-size', async () => {
    await expect(records(`a,b\n1,2\n\n3,"${'x'.repeat(200)}\n`, ',', { maxRecordSize: 100 })).rejects.toThrow(
      'test.csv:4: the record starting here grows past 100 bytes',
    );
  });

  it('with --comment, counts comment lines and CRLFs inside quotes right', async () => {
    expect(await records('# made by a tool\r\na,b\r\n1,"x\r\ny"\r\n# a note\r\n\r\n2,3\r\n', ',', { comment: '#' })).toEqual([
      { cells: ['a', 'b'], line: 2 },
      { cells: ['1', 'x\r\ny'], line: 3 },
      { cells: ['2', '3'], line: 7 },
    ]);
    await expect(records('a,b\n# note\n1,"open\n', ',', { comment: '#' })).rejects.toThrow('test.csv:3: a quoted field opened here is never closed');
  });

  it('drops a preamble by whole lines, a stray quote in it included, keeping line numbers', async () => {
    expect(await records('Report "Q3\nmade today\na,b\n1,2\n', ',', { skipLines: 2 })).toEqual([
      { cells: ['a', 'b'], line: 3 },
      { cells: ['1', '2'], line: 4 },
    ]);
  });

  it('keeps a quote inside an unquoted field as it is', async () => {
    expect((await records('a,b\n5" pipe,2\n'))[1]?.cells).toEqual(['5" pipe', '2']);
  });

  it('reads tab-separated text', async () => {
    expect(await records('a\tb\nx, y\tz\n', 'tab')).toEqual([
      { cells: ['a', 'b'], line: 1 },
      { cells: ['x, y', 'z'], line: 2 },
    ]);
  });

  it('says when a file cannot be read', async () => {
    await expect(readCsv({ path: '/nonexistent/data.csv' }, DEFAULT_DIALECT, () => {})).rejects.toThrow('cannot read /nonexistent/data.csv: no such file; check the path');
  });
});

describe('parseDelimiter', () => {
  it('accepts one character or tab', () => {
    expect(parseDelimiter(';')).toBe(';');
    expect(parseDelimiter('\\t')).toBe('\t');
    expect(() => parseDelimiter(';;')).toThrow(/one character/);
    expect(() => resolveDialect({ delimiter: '"' })).toThrow('--delimiter and --quote cannot both be "\\""');
    expect(() => resolveDialect({ delimiter: ';', comment: ';' })).toThrow('--delimiter and --comment cannot both be ";"');
  });
});

describe('readHeader', () => {
  it('cleans header cells into label names', () => {
    expect(readHeader([' Host Name ', '2xx', 'rate%'], 'f.csv:1').names).toEqual(['host_name', '_2xx', 'rate']);
  });
  it('names the file, line and column of a bad header', () => {
    expect(() => readHeader(['host', ' ', 'x'], 'f.csv:3')).toThrow('f.csv:3: column 2 has an empty header; give every column a name');
    expect(() => readHeader(['host', '__name__'], 'f.csv:1')).toThrow(/f\.csv:1: column 2 header "__name__" starts with "__"/);
    expect(() => readHeader(['Host Name', 'Host_Name'], 'f.csv:1')).toThrow(
      'f.csv:1: column 2 header "Host_Name" becomes label "host_name", as column 1 ("Host Name") does; rename one of them',
    );
  });
});
