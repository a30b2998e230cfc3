const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Names starting with `__` are reserved for Prometheus' own use and are refused here too. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/**
 * Turns free text (a header cell, a file name) into a Prometheus name in snake_case, the form
 * `promtool check metrics` asks for:
 * - trimmed and lower-cased (`Market Cap` gives `market_cap`);
 * - every run of characters outside `[a-z0-9_]` becomes one `_`, runs of `_` become one, and a
 *   `_` left at either end by punctuation is dropped (`cpu load (%)` gives `cpu_load`);
 * - a `_` the text itself starts with is kept (`_id`), and `__` too, so that a header meaning a
 *   reserved name (`__name__`) is refused rather than quietly renamed;
 * - a leading digit gets a `_` prefix (`2xx` gives `_2xx`).
 * Returns '' when nothing is left, so callers can say which cell it was.
 */
export function cleanName(text: string): string {
  return clean(text, /[^a-z0-9_]+/g);
}

/**
 * For a --metric-column cell: a valid metric name is kept as written (it is a name the data
 * chose, `job:requests:rate5m` or `nodeLoad1`); anything else is cleaned as cleanName does,
 * keeping colons.
 */
export function cleanMetricName(text: string): string {
  const trimmed = text.trim();
  if (isValidMetricName(trimmed)) return trimmed;
  return clean(trimmed, /[^a-z0-9_:]+/g);
}

function clean(text: string, outside: RegExp): string {
  const lower = text.trim().toLowerCase();
  const written = /^_*/.exec(lower)?.[0] ?? '';
  const rest = lower
    .slice(written.length)
    .replace(outside, '_')
    .replace(/__+/g, '_')
    .replace(/^_|_$/g, '');
  if (rest === '') return '';
  return /^[0-9]/.test(rest) && written === '' ? `_${rest}` : `${written}${rest}`;
}

/** `disk-usage.csv` gives `disk_usage`; `.csv.gz` and similar double extensions are dropped whole. */
export function metricNameFromFileName(fileName: string): string {
  const baseName = fileName.split(/[\\/]/).pop() ?? '';
  const withoutExtension = baseName.replace(/(\.[A-Za-z0-9]+)?(\.gz)?$/i, '');
  return cleanName(withoutExtension);
}

/** The Pushgateway's own series in every group; a pushed series of the same name is replaced by them. */
export const GATEWAY_OWN_METRICS: readonly string[] = ['push_time_seconds', 'push_failure_time_seconds'];
