import { sourceName } from './csv/source.js';
import { CsvPushError } from './errors.js';
import type { GroupingLabel } from './push/gateway-url.js';
import { validateGroupingKey } from './push/gateway-url.js';
import { checkSkippedRows, checkStrict, collectGauges, parseMaxSkipped, rowsReport, type CsvOptions } from './push-csv.js';
import type { RunReport } from './report.js';
import { checkTextfilePath, writeTextfile } from './textfile/write-textfile.js';

export interface TextfileCsvOptions extends CsvOptions {
  /** The `.prom` file to replace, in node_exporter's `--collector.textfile.directory`. */
  readonly textfile: string;
  /** Set as label `job` on every series, when given. */
  readonly job?: string | undefined;
  /** Set on every series (there is no grouping key); empty values are left out. */
  readonly labels?: readonly GroupingLabel[];
}

/** A textfile read, checked and rendered, not yet written. */
export interface PreparedTextfile {
  /** prom-client's exposition text, `job` and `--label` labels on every series. */
  readonly text: string;
  readonly report: RunReport;
  readonly started: number;
}

/** The labels a destination without a grouping key puts on every series: `job` first, then `--label`, empty ones left out. */
export function constantLabels(job: string | undefined, labels: readonly GroupingLabel[]): GroupingLabel[] {
  return [...(job === undefined ? [] : [{ name: 'job', value: job }]), ...labels].filter((label) => label.value !== '');
}

/** Names of those labels, which a CSV column may then not take. */
export function constantLabelNames(job: string | undefined, labels: readonly GroupingLabel[]): string[] {
  return [...(job === undefined ? [] : ['job']), ...labels.map((label) => label.name)];
}

/** Reads the CSV sources and renders the text the textfile would hold, writing nothing. */
export async function prepareTextfile(options: TextfileCsvOptions): Promise<PreparedTextfile> {
  const started = Date.now();
  checkTextfilePath(options.textfile);
  const labels = options.labels ?? [];
  validateGroupingKey(options.job, labels);
  if (options.maxSkipped !== undefined) parseMaxSkipped(options.maxSkipped);
  const constant = constantLabels(options.job, labels);
  // No gateway here, so none of its own metric names is reserved.
  const collected = await collectGauges(options, { groupingLabelNames: constantLabelNames(options.job, labels), reservedMetricNames: [], constantLabels: 'every-series' });
  const report: RunReport = {
    action: 'dry-run',
    files: options.sources.map(sourceName),
    gateway: undefined,
    textfile: options.textfile,
    job: options.job,
    groupingLabels: labels,
    method: undefined,
    series: collected.gauges.seriesCount,
    metrics: collected.gauges.metricNames,
    ...rowsReport(collected),
    pushed: false,
    status: undefined,
    attempts: 0,
    durationMs: Math.round(Date.now() - started),
  };
  checkStrict(options, report);
  checkSkippedRows(options, collected, report);
  const rendered = await collected.gauges.render(Object.fromEntries(constant.map((label) => [label.name, label.value])));
  // The text format ends its last line with a line feed; prom-client leaves it off.
  const text = rendered === '' || rendered.endsWith('\n') ? rendered : `${rendered}\n`;
  return { text, report, started };
}

/** Replaces the textfile atomically; the report says `pushed` only once the new file is in place. */
export async function writePreparedTextfile(prepared: PreparedTextfile): Promise<RunReport> {
  const path = prepared.report.textfile as string;
  const finished = (pushed: boolean): RunReport => ({ ...prepared.report, action: 'textfile', pushed, durationMs: Math.round(Date.now() - prepared.started) });
  try {
    await writeTextfile(path, prepared.text);
    return finished(true);
  } catch (error) {
    if (error instanceof CsvPushError) error.report = finished(false);
    throw error;
  }
}

/** Reads the CSV sources and writes them as a `.prom` file for node_exporter's textfile collector. */
export async function textfileCsv(options: TextfileCsvOptions): Promise<RunReport> {
  return writePreparedTextfile(await prepareTextfile(options));
}
