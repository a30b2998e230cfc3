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
 * Turns free text (a header cell, a file name) into a Prometheus name: trimmed, every character
 * outside `[A-Za-z0-9_]` becomes `_`, and a leading digit gets a `_` prefix.
 * Returns '' when nothing is left, so callers can say which cell was empty.
 */
export function cleanName(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const replaced = trimmed.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

/** Like cleanName, but keeps the colons metric names may hold (`job:requests:rate5m`). */
export function cleanMetricName(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const replaced = trimmed.replace(/[^A-Za-z0-9_:]/g, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

/** `disk-usage.csv` gives `disk_usage`; `.csv.gz` and similar double extensions are dropped whole. */
export function metricNameFromFileName(fileName: string): string {
  const baseName = fileName.split(/[\\/]/).pop() ?? '';
  const withoutExtension = baseName.replace(/(\.[A-Za-z0-9]+)?(\.gz)?$/i, '');
  return cleanName(withoutExtension);
}

/** The Pushgateway's own series in every group; a pushed series of the same name is replaced by them. */
export const GATEWAY_OWN_METRICS: readonly string[] = ['push_time_seconds', 'push_failure_time_seconds'];
