import type { SeriesLabel } from './write-request.js';

/** Where each label of a series comes from, in the order the series carries them. */
type LabelSource = { readonly row: string } | { readonly constant: SeriesLabel } | 'metric name';

interface LabelOrder {
  readonly rowNames: readonly string[];
  readonly constantLabels: readonly SeriesLabel[];
  readonly sources: readonly LabelSource[];
}

/**
 * The order worked out for the last rows seen. Every row of a file has the same label names, so
 * the sort runs once per file instead of once per row (a million rows spent a tenth of their
 * remote-write time sorting the same names).
 */
let lastOrder: LabelOrder | undefined;

// Code-unit order, as Go's sort.Strings compares bytes: label names are ASCII, so they agree.
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function labelOrder(rowNames: readonly string[], constantLabels: readonly SeriesLabel[]): LabelOrder {
  const named: [string, LabelSource][] = [['__name__', 'metric name']];
  for (const row of rowNames) named.push([row, { row }]);
  for (const constant of constantLabels) named.push([constant.name, { constant }]);
  named.sort((a, b) => byName(a[0], b[0]));
  return { rowNames, constantLabels, sources: named.map(([, source]) => source) };
}

function sameNames(names: readonly string[], rowLabels: Readonly<Record<string, string>>): boolean {
  let index = 0;
  for (const name in rowLabels) if (names[index++] !== name) return false;
  return index === names.length;
}

/**
 * The label set of a remote-write series: `__name__`, the row's labels and the run's constant
 * labels (`job`, `--label`), sorted by name as the remote write spec asks, empty values left
 * out (Prometheus treats an empty label as a missing one, and some receivers refuse it).
 * Callers have already refused a row label that collides with a constant one.
 */
export function seriesLabels(
  metricName: string,
  rowLabels: Readonly<Record<string, string>>,
  constantLabels: readonly SeriesLabel[],
): SeriesLabel[] {
  let order = lastOrder;
  if (order === undefined || order.constantLabels !== constantLabels || !sameNames(order.rowNames, rowLabels)) {
    order = labelOrder(Object.keys(rowLabels), constantLabels);
    lastOrder = order;
  }
  const labels: SeriesLabel[] = [];
  for (const source of order.sources) {
    if (source === 'metric name') labels.push({ name: '__name__', value: metricName });
    else if ('row' in source) {
      const value = rowLabels[source.row] as string;
      if (value !== '') labels.push({ name: source.row, value });
    } else if (source.constant.value !== '') labels.push(source.constant);
  }
  return labels;
}
