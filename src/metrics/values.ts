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
