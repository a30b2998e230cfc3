import { usageError } from '../errors.js';
// Prometheus' text format accepts Go float syntax; these are the spellings a CSV plausibly holds.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^(?:([+-]?)(inf|infinity)|nan)$/i;
const BOOLEAN = /^(true|false)$/i;

/** Parses a cell as a sample value (booleans count as 1 and 0); `undefined` when it is not a number Prometheus would accept. */
export function parseSampleValue(cell: string): number | undefined {
  const text = cell.trim();
  if (DECIMAL.test(text)) return Number(text);
  const boolean = BOOLEAN.exec(text);
  if (boolean !== null) return (boolean[1] as string).toLowerCase() === 'true' ? 1 : 0;
  const special = SPECIAL.exec(text);
  if (special === null) return undefined;
  if (special[2] === undefined) return Number.NaN;
  return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/**
 * Whether a decimal cell is beyond what a float64 holds, so that it became +Inf, -Inf or 0
 * (`1e999`, `1e-999`): pushed all the same, as Prometheus would read it, but worth a word.
 */
export function isBeyondFloat64(cell: string, value: number): boolean {
  if (Number.isFinite(value) && value !== 0) return false;
  const text = cell.trim();
  if (!DECIMAL.test(text)) return false;
  return !Number.isFinite(value) || /[1-9]/.test(text.replace(/[eE].*$/, ''));
}

/** How a spreadsheet wrote its numbers: `1.234,5` is decimal `,` with thousands `.`. */
export interface NumberFormat {
  /** `.` (the default) or `,`. */
  readonly decimal?: '.' | ',' | undefined;
  /** Digits grouped by threes with this: `,` `.` `'` `_`, or `space` (also no-break spaces). */
  readonly thousands?: string | undefined;
  /** Characters removed from a value cell before it is read, such as `$%€`. */
  readonly strip?: string | undefined;
}

const THOUSANDS_NAMES: Readonly<Record<string, string>> = { space: ' ', ',': ',', '.': '.', "'": "'", _: '_' };
/** Spreadsheets group with a no-break space (U+00A0) or a narrow one (U+202F) as often as a plain one. */
const SPACES = /[ \u00a0\u202f]/g;

function escapeForRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * A parser for value cells in the given format, or parseSampleValue itself when the format is
 * the default. Thousands separators must group by threes (`1,174`, `12,345,678`), so a cell in
 * another format is refused rather than misread (`1,5` with --thousands , is no number).
 */
export function sampleValueParser(format: NumberFormat = {}): (cell: string) => number | undefined {
  const decimal = format.decimal ?? '.';
  const thousandsName = format.thousands;
  const strip = format.strip ?? '';
  if (decimal === '.' && thousandsName === undefined && strip === '') return parseSampleValue;
  const thousands = thousandsName === undefined ? undefined : THOUSANDS_NAMES[thousandsName];
  if (thousandsName !== undefined && thousands === undefined) {
    throw usageError(`--thousands must be one of , . ' _ or space, not ${JSON.stringify(thousandsName)}`);
  }
  if (thousands === decimal) throw usageError(`--thousands and --decimal cannot both be "${decimal}"`);
  if (decimal !== '.' && decimal !== ',') throw usageError(`--decimal must be . or , not ${JSON.stringify(decimal)}`);
  const stripped = strip === '' ? undefined : new RegExp(`[${escapeForRegExp(strip)}]`, 'g');
  const sep = thousands === undefined ? undefined : thousands === ' ' ? '[ \\u00a0\\u202f]' : escapeForRegExp(thousands);
  const grouped = sep === undefined ? undefined : new RegExp(`^[+-]?\\d{1,3}(?:${sep}\\d{3})+(?:${escapeForRegExp(decimal)}\\d*)?$`);
  return (cell: string) => {
    let text = cell.trim();
    if (stripped !== undefined) text = text.replace(stripped, '').trim();
    if (grouped !== undefined && grouped.test(text)) text = thousands === ' ' ? text.replace(SPACES, '') : text.split(thousands as string).join('');
    if (decimal === ',') {
      if (text.includes('.')) return undefined;
      text = text.replace(',', '.');
    }
    return parseSampleValue(text);
  };
}

/** The options that would read a cell that is no number, for its warning: `--decimal ,` for `1,5`. */
export function numberOptionFor(cell: string, format: NumberFormat = {}): string | undefined {
  const text = cell.trim();
  const symbols = [...new Set(text.replace(/[\d\s.,'+\-eE]/g, ''))].join('');
  // Only currency and percent signs are offered for stripping: other letters mean other things.
  if (symbols !== '' && !/^[$€£¥%]+$/.test(symbols)) return undefined;
  const missing = [...symbols].filter((symbol) => !(format.strip ?? '').includes(symbol)).join('');
  const strip = missing === '' ? undefined : `${format.strip ?? ''}${missing}`;
  const groupedByCommas = /^[^\d]*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?[^\d]*$/.test(text);
  const separators: NumberFormat[] = [
    {},
    ...(groupedByCommas ? [{ thousands: ',' }, { decimal: ',' as const }] : [{ decimal: ',' as const }, { thousands: ',' }]),
    { thousands: '.', decimal: ',' },
    { thousands: 'space' },
    { thousands: "'" },
  ];
  for (const extra of separators) {
    if (extra.decimal !== undefined && format.decimal !== undefined && extra.decimal !== format.decimal) continue;
    if (extra.thousands !== undefined && format.thousands !== undefined) continue;
    const tried: NumberFormat = { ...format, ...extra, ...(strip === undefined ? {} : { strip }) };
    let reads = false;
    try {
      reads = sampleValueParser(tried)(text) !== undefined;
    } catch {
      reads = false;
    }
    if (!reads) continue;
    const options = [
      extra.thousands === undefined ? undefined : `--thousands ${extra.thousands === "'" ? `"'"` : extra.thousands}`,
      extra.decimal === undefined ? undefined : `--decimal ${extra.decimal}`,
      strip === undefined ? undefined : `--strip '${strip}'`,
    ].filter(Boolean);
    return options.length === 0 ? undefined : options.join(' ');
  }
  return undefined;
}
