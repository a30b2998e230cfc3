import type { GroupingLabel } from '../report.js';

// Destinations without a grouping key (a textfile, remote write) put `job` and `--label` on every series.

/** The labels put on every series: `job` first, then `--label`, empty ones left out. */
export function constantLabels(job: string | undefined, labels: readonly GroupingLabel[]): GroupingLabel[] {
  return [...(job === undefined ? [] : [{ name: 'job', value: job }]), ...labels].filter((label) => label.value !== '');
}

/** Names of those labels, which a CSV column may then not take. */
export function constantLabelNames(job: string | undefined, labels: readonly GroupingLabel[]): string[] {
  return [...(job === undefined ? [] : ['job']), ...labels.map((label) => label.name)];
}
