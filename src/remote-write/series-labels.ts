import type { SeriesLabel } from './write-request.js';

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
  const labels: SeriesLabel[] = [{ name: '__name__', value: metricName }];
  for (const name in rowLabels) {
    const value = rowLabels[name] as string;
    if (value !== '') labels.push({ name, value });
  }
  for (const label of constantLabels) if (label.value !== '') labels.push(label);
  // Code-unit order, as Go's sort.Strings compares bytes: label names are ASCII, so they agree.
  return labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
