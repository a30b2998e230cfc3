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
