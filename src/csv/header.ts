import type picomatchType from 'picomatch';
import { inputError, usageError } from '../errors.js';
import { cleanName, isValidLabelName } from '../metrics/names.js';

/** `--rename 'Total Discharges=discharges'`: a column (its header as written, or cleaned) and the name it takes. */
export interface ColumnRename {
  readonly column: string;
  readonly name: string;
}

/** Reads `column=name`; the name must already be a label name, since it is used as given. */
export function parseColumnRename(text: string): ColumnRename {
  const at = text.lastIndexOf('=');
  const column = at === -1 ? '' : text.slice(0, at).trim();
  const name = at === -1 ? '' : text.slice(at + 1).trim();
  if (column === '' || name === '') throw usageError(`--rename takes column=name, e.g. --rename 'Total Discharges=discharges', not ${JSON.stringify(text)}`);
  if (!isValidLabelName(name)) {
    throw usageError(`--rename ${JSON.stringify(text)}: "${name}" is not a valid name (letters, digits and _, not starting with a digit or __)`);
  }
  return { column, name };
}

export interface Header {
  /** The cells as written in the file, trimmed. */
  readonly cells: readonly string[];
  /** Each cell cleaned into a label name. */
  readonly names: readonly string[];
}

/**
 * Turns the header row into label names, refusing names Prometheus or the gateway would reject.
 * `location` says where the names came from: `file.csv:1`, or `--columns`.
 */
export function readHeader(cells: readonly string[], location: string, renames: readonly ColumnRename[] = []): Header {
  const trimmed = cells.map((cell) => cell.trim());
  const renamed = renamedColumns(trimmed, renames, location);
  const names: string[] = [];
  const firstColumnByName = new Map<string, number>();
  trimmed.forEach((cell, index) => {
    const where = `${location}: column ${index + 1}`;
    if (cell.includes('\r')) {
      throw inputError(
        `${where} header holds a carriage return: the file seems to end its lines with CR alone, as old Mac files do; convert its line endings to LF or CRLF (for example: tr '\\r' '\\n' < in.csv > out.csv)`,
      );
    }
    const name = renamed.get(index) ?? cleanName(cell);
    if (name === '') {
      if (cell !== '') throw inputError(`${where} header ${JSON.stringify(cell)} has no letter or digit to make a name of; rename the column, or pass --rename '${cell.replace(/'/g, `'\\''`)}=name'`);
      throw inputError(`${where} has an empty header; give every column a name`);
    }
    if (name.startsWith('__')) {
      throw inputError(`${where} header "${cell}" starts with "__", which Prometheus reserves; rename the column`);
    }
    const earlier = firstColumnByName.get(name);
    if (earlier !== undefined) {
      throw inputError(
        `${where} header "${cell}" becomes label "${name}", as column ${earlier + 1} ("${trimmed[earlier]}") does; rename one of them (--rename '${cell.replace(/'/g, `'\\''`)}=other_name')`,
      );
    }
    firstColumnByName.set(name, index);
    names.push(name);
  });
  return { cells: trimmed, names };
}

/**
 * The columns `wanted` names: the one whose header (as written, or cleaned) it is, or else, when it
 * is a glob pattern (`mem_*`, `*_bytes`), every column whose header as written or cleaned it
 * matches. A `*` matches any characters, `/` too (headers are no paths). Naming no column is a
 * usage error listing the columns.
 */
export function findColumns(header: Header, wanted: string, optionName: string, file: string): { columns: number[]; pattern: boolean } {
  const exact = exactColumn(header, wanted);
  if (exact !== -1) return { columns: [exact], pattern: false };
  const trimmed = wanted.trim();
  if (GLOB_CHARACTERS.test(trimmed)) {
    if (picomatch === undefined) throw new Error(`bug: column pattern "${trimmed}" read before loadColumnPatterns()`);
    const matches = picomatch(trimmed, { bash: true, dot: true });
    const columns = header.cells.map((_, index) => index).filter((index) => matches(header.cells[index] as string) || matches(header.names[index] as string));
    if (columns.length > 0) return { columns, pattern: true };
    throw usageError(`${file} has no column matching "${wanted}" (${optionName}); its columns are: ${header.cells.join(', ')}${delimiterHint(header)}`);
  }
  return { columns: [findColumn(header, wanted, optionName, file)], pattern: false };
}

/** What makes a column option a pattern; parentheses alone (`cpu load (%)`) do not. */
const GLOB_CHARACTERS = /[*?[{]/;

/**
 * picomatch is loaded only when a column option is a pattern: most runs name columns exactly, and
 * start-up counts. The pipeline awaits this once, before reading, with every column option given.
 */
let picomatch: typeof picomatchType | undefined;
export async function loadColumnPatterns(wanted: readonly string[]): Promise<void> {
  if (picomatch !== undefined || !wanted.some((column) => GLOB_CHARACTERS.test(column.trim()))) return;
  // picomatch is CommonJS: Node hands its module.exports over as the default export.
  const loaded = (await import('picomatch')) as unknown as { default: typeof picomatchType };
  picomatch = loaded.default;
}

function exactColumn(header: Header, wanted: string): number {
  const trimmed = wanted.trim();
  let index = header.cells.indexOf(trimmed);
  if (index === -1) index = header.names.indexOf(trimmed);
  if (index === -1) index = header.names.indexOf(cleanName(trimmed));
  return index;
}

/**
 * A header of one column holding `;`, a tab or `|` was most likely split on the wrong delimiter:
 * ` (one column: is the delimiter ";"? pass -d ';')`, or '' when it does not look so.
 */
export function delimiterHint(header: Header): string {
  if (header.cells.length !== 1) return '';
  const cell = header.cells[0] as string;
  const found = ([
    [';', "-d ';'"],
    ['\t', '-d tab'],
    ['|', "-d '|'"],
  ] as const).find(([character]) => cell.includes(character));
  if (found === undefined) return '';
  return `; the header is one column holding ${found[0] === '\t' ? 'tabs' : `"${found[0]}"`}: if that is the delimiter, pass ${found[1]}`;
}

/** The same, as a hint line of its own for a run that went through: `file.csv: the header is one column...`. */
export function delimiterHintLine(file: string, header: Header): string | undefined {
  const hint = delimiterHint(header);
  return hint === "" ? undefined : `${file}:${hint.slice(1)}`;
}

/** Finds a column by its header as written, or by its cleaned label name. */
export function findColumn(header: Header, wanted: string, optionName: string, file: string): number {
  const index = exactColumn(header, wanted);
  if (index === -1) {
    throw usageError(
      `${file} has no column "${wanted}" (${optionName}); its columns are: ${header.cells.join(', ')}${delimiterHint(header)}`,
    );
  }
  return index;
}

/** Which column each --rename names, by index; a rename naming no column is a usage error. */
function renamedColumns(cells: readonly string[], renames: readonly ColumnRename[], location: string): Map<number, string> {
  const byIndex = new Map<number, string>();
  for (const rename of renames) {
    let index = cells.indexOf(rename.column);
    if (index === -1) index = cells.findIndex((cell) => cleanName(cell) === cleanName(rename.column));
    if (index === -1) throw usageError(`--rename ${rename.column}=${rename.name}: ${location.replace(/:\d+$/, '')} has no column "${rename.column}"; its columns are: ${cells.join(', ')}`);
    byIndex.set(index, rename.name);
  }
  return byIndex;
}
