// Prometheus' text format accepts Go float syntax; these are the spellings a CSV plausibly holds.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^(?:([+-]?)(inf|infinity)|nan)$/i;

/** Parses a cell as a sample value; `undefined` when it is not a number Prometheus would accept. */
export function parseSampleValue(cell: string): number | undefined {
  const text = cell.trim();
  if (DECIMAL.test(text)) return Number(text);
  const special = SPECIAL.exec(text);
  if (special === null) return undefined;
  if (special[2] === undefined) return Number.NaN;
  return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
