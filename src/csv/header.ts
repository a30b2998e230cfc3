import { inputError, usageError } from '../errors.js';
import { cleanName } from '../metrics/names.js';

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
export function readHeader(cells: readonly string[], location: string): Header {
  const trimmed = cells.map((cell) => cell.trim());
  const names: string[] = [];
  const firstColumnByName = new Map<string, number>();
  trimmed.forEach((cell, index) => {
    const where = `${location}: column ${index + 1}`;
    if (cell.includes('\r')) {
      throw inputError(
        `${where} header holds a carriage return: the file seems to end its lines with CR alone, as old Mac files do; convert its line endings to LF or CRLF (for example: tr '\\r' '\\n' < in.csv > out.csv)`,
      );
    }
    const name = cleanName(cell);
    if (name === '') {
      throw inputError(`${where} has an empty header; give every column a name`);
    }
    if (name.startsWith('__')) {
      throw inputError(`${where} header "${cell}" starts with "__", which Prometheus reserves; rename the column`);
    }
    const earlier = firstColumnByName.get(name);
    if (earlier !== undefined) {
      throw inputError(
        `${where} header "${cell}" becomes label "${name}", as column ${earlier + 1} ("${trimmed[earlier]}") does; rename one of them`,
      );
    }
    firstColumnByName.set(name, index);
    names.push(name);
  });
  return { cells: trimmed, names };
}

/** Finds a column by its header as written, or by its cleaned label name. */
export function findColumn(header: Header, wanted: string, optionName: string, file: string): number {
  const trimmed = wanted.trim();
  let index = header.cells.indexOf(trimmed);
  if (index === -1) index = header.names.indexOf(trimmed);
  if (index === -1) index = header.names.indexOf(cleanName(trimmed));
  if (index === -1) {
    throw usageError(
      `${file} has no column "${wanted}" (${optionName}); its columns are: ${header.cells.join(', ')}`,
    );
  }
  return index;
}
