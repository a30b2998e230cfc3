import { usageError } from '../errors.js';
import { parseTimestamp } from './timestamps.js';

// --timestamp-format and --timezone: times as a layout says, and times without a zone in a zone of
// the user's choosing. Luxon reads them (its format tokens, its IANA zones from Node's Intl); it is
// loaded only when one of the two options is given, since start-up counts and most runs need neither.

/** How `--timestamp-column` cells are read, beyond the forms parseTimestamp knows. */
export interface TimeFormat {
  /** A Luxon format, such as `dd.MM.yyyy HH:mm` or `MM/dd/yyyy hh:mm:ss a ZZ` (https://moment.github.io/luxon/#/parsing?id=table-of-tokens). */
  readonly timestampFormat?: string | undefined;
  /** The IANA zone (`Europe/Berlin`) of times written without a zone or offset; default UTC. */
  readonly timezone?: string | undefined;
}

/** What a cell should look like, for the warning that skips a row whose cell is no time. */
export function expectedTime(options: TimeFormat): string {
  const zone = options.timezone ?? 'UTC';
  if (options.timestampFormat !== undefined) {
    return `a time as --timestamp-format ${JSON.stringify(options.timestampFormat)} writes it${/[Zz]/.test(options.timestampFormat) ? '' : `, in ${zone}`}`;
  }
  return `Unix seconds or milliseconds, a date such as 2024-05-01, or a date and time such as 2024-05-01 12:00:00 with Z, UTC or an offset such as +02:00; without one it is ${zone}${options.timezone === undefined ? '' : ', where the time must exist (not skipped by a daylight-saving change)'}`;
}

/** A cell to milliseconds since the epoch, or undefined when it is no time. */
export type TimeParser = (cell: string) => number | undefined;

/**
 * The parser for these options: parseTimestamp itself when neither is given (Luxon not loaded).
 * With --timezone alone, the forms parseTimestamp knows keep their meaning, except that a time
 * without a zone (and a date alone) is in that zone. With --timestamp-format, cells are read by
 * that layout only; a layout without a zone token is in --timezone (or UTC).
 */
export async function timeParser(options: TimeFormat): Promise<TimeParser> {
  if (options.timestampFormat === undefined && options.timezone === undefined) return parseTimestamp;
  const { DateTime, IANAZone } = await import('luxon');
  const zone = options.timezone ?? 'UTC';
  if (options.timezone !== undefined && !IANAZone.isValidZone(zone)) {
    throw usageError(`--timezone "${zone}" is no time zone this Node knows; give an IANA name such as Europe/Berlin, America/New_York or UTC`);
  }
  const format = options.timestampFormat;
  if (format !== undefined) {
    // strftime's %Y-%m-%d would read no cell at all: say so before reading, not once per row.
    if (format.includes('%')) throw usageError(`--timestamp-format "${format}" looks like strftime, but it takes Luxon's letters (%Y-%m-%d %H:%M:%S is yyyy-MM-dd HH:mm:ss, %d/%m/%y is dd/MM/yy)`);
    return (cell) => {
      const parsed = DateTime.fromFormat(cell.trim(), format, { zone });
      return parsed.isValid ? parsed.toMillis() : undefined;
    };
  }
  return (cell) => {
    const text = cell.trim();
    if (!ZONELESS.test(text)) return parseTimestamp(text);
    // Read as UTC by parseTimestamp's own rules, then the same wall-clock time placed in the zone.
    const utc = parseTimestamp(text);
    if (utc === undefined) return undefined;
    const wall = DateTime.fromMillis(utc, { zone: 'UTC' });
    const placed = DateTime.fromObject(wall.toObject(), { zone });
    // A wall-clock time skipped by a daylight-saving change (02:30 on the spring-forward night) does not exist there.
    return placed.isValid && placed.hour === wall.hour && placed.minute === wall.minute ? placed.toMillis() : undefined;
  };
}

/** A date, or a date and time, with no zone name or offset after it: the forms --timezone applies to. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;
