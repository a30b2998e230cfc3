/**
 * Reads a `--timestamp-column` cell as milliseconds since the Unix epoch, or undefined when it
 * is not a time this tool can be sure of (the row is then skipped with a warning).
 *
 * - A plain number (digits, an optional fraction) is Unix seconds below 1e11, milliseconds
 *   from 1e11 up to 1e14. In seconds 1e11 is the year 5138; in milliseconds it is 1973, so real
 *   times of either kind fall on their own side. 1e14 ms and above (microseconds, nanoseconds)
 *   is refused rather than read as a date thousands of years away.
 * - A date and time as exports write them: RFC 3339 (`2024-05-01T12:00:00Z`,
 *   `2024-05-01 12:00:00.25+02:00`), sysstat's `2024-05-01 12:00:00 UTC`, an offset written
 *   `+0200` or `+02`, seconds left out (`2024-05-01 12:00`), or a date alone (`2020-01-22`, its
 *   midnight). A time without a zone is UTC: never the machine's own zone, which would make the
 *   same file mean different instants on different machines.
 */
export function parseTimestamp(cell: string): number | undefined {
  const text = cell.trim();
  if (UNIX_NUMBER.test(text)) return unixMilliseconds(Number(text));
  return rfc3339Milliseconds(text);
}

const UNIX_NUMBER = /^\d+(\.\d+)?$/;
const SECONDS_LIMIT = 1e11;
const MILLISECONDS_LIMIT = 1e14;

function unixMilliseconds(number: number): number | undefined {
  if (number < SECONDS_LIMIT) return Math.round(number * 1000);
  if (number < MILLISECONDS_LIMIT) return Math.round(number);
  return undefined;
}

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(?: ?(?:([Zz]|UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?))?$/;

function rfc3339Milliseconds(text: string): number | undefined {
  const match = RFC_3339.exec(text);
  if (match === null) return undefined;
  // A part left out (the time of a date alone, the seconds) is 0: Number(undefined) would be NaN.
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  // A zone needs a time to belong to: `2024-05-01Z` is no time anyone writes.
  if (match[4] === undefined && (match[8] !== undefined || match[9] !== undefined)) return undefined;
  const fraction = match[7] === undefined ? 0 : Number(`0${match[7]}`) * 1000;
  // Date.UTC rolls 30 February over into March; a date that does not come back as written is refused.
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const sameDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  // A leap second (:60) is refused, as Go's time.Parse (which Prometheus uses) refuses it.
  if (!sameDate || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetRest = Number(match[11] ?? 0);
    if (offsetHours > 23 || offsetRest > 59) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  return Math.round(date.getTime() + fraction - offsetMinutes * 60_000);
}
