import { constantLabelNames, constantLabels } from '../pipeline/constant-labels.js';
import type { CsvOptions } from '../pipeline/options.js';
import { prepareRun, sendPrepared } from '../pipeline/run.js';
import type { RunReport } from '../report.js';
import { checkTextfilePath, writeTextfile } from '../textfile/write-textfile.js';
import { validateGroupingKey, type GroupingLabel } from '../transport/gateway-url.js';
import type { DestinationEntry, RegistryDestination } from '../pipeline/destination.js';

// A .prom file for node_exporter's textfile collector, replaced atomically.

export interface TextfileCsvOptions extends CsvOptions {
  /** The `.prom` file to replace, in node_exporter's `--collector.textfile.directory`. */
  readonly textfile: string;
  /** Set as label `job` on every series, when given. */
  readonly job?: string | undefined;
  /** Set on every series (there is no grouping key); empty values are left out. */
  readonly labels?: readonly GroupingLabel[];
  /** Mode of the written file; default: the replaced file's, or 0644 for a new one (see textfile/file-mode.ts). */
  readonly fileMode?: number | undefined;
}

/** A textfile read, checked and rendered, not yet written. */
export interface PreparedTextfile {
  /** prom-client's exposition text, `job` and `--label` labels on every series. */
  readonly text: string;
  readonly report: RunReport;
  readonly started: number;
  readonly fileMode?: number | undefined;
}

interface TextPayload {
  readonly text: string;
  chunks(): Iterable<string>;
}

function textPayload(text: string): TextPayload {
  return { text, chunks: () => [text] };
}

function textfile(options: TextfileCsvOptions): RegistryDestination<TextPayload> {
  const labels = options.labels ?? [];
  const constant = Object.fromEntries(constantLabels(options.job, labels).map((label) => [label.name, label.value]));
  return {
    action: 'textfile',
    // No gateway here, so none of its own metric names is reserved.
    mapping: { groupingLabelNames: constantLabelNames(options.job, labels), reservedMetricNames: [], constantLabels: 'every-series' },
    destined: { gateway: undefined, textfile: options.textfile, job: options.job, groupingLabels: labels, method: undefined },
    render: async (gauges) => {
      const rendered = await gauges.render(constant);
      // The text format ends its last line with a line feed; prom-client leaves it off.
      return textPayload(rendered === '' || rendered.endsWith('\n') ? rendered : `${rendered}\n`);
    },
    send: async (payload) => {
      await writeTextfile(options.textfile, payload.text, { mode: options.fileMode });
      return { pushed: true, status: undefined, attempts: 0 };
    },
  };
}

/** Reads the CSV sources and renders the text the textfile would hold, writing nothing. */
export async function prepareTextfile(options: TextfileCsvOptions): Promise<PreparedTextfile> {
  const started = Date.now();
  checkTextfilePath(options.textfile);
  validateGroupingKey(options.job, options.labels ?? []);
  const prepared = await prepareRun(options, () => textfile(options), started);
  return { text: prepared.payload.text, report: prepared.report, started, fileMode: options.fileMode };
}

/** Replaces the textfile atomically; the report says `pushed` only once the new file is in place. */
export async function writePreparedTextfile(prepared: PreparedTextfile): Promise<RunReport> {
  const path = prepared.report.textfile as string;
  return sendPrepared({ payload: textPayload(prepared.text), report: prepared.report, started: prepared.started }, textfile({ sources: [], textfile: path, fileMode: prepared.fileMode }));
}

/** Reads the CSV sources and writes them as a `.prom` file for node_exporter's textfile collector. */
export async function textfileCsv(options: TextfileCsvOptions): Promise<RunReport> {
  return writePreparedTextfile(await prepareTextfile(options));
}

/** The command line's way in: its dry run prints the text the file would hold. */
export const entry: DestinationEntry = {
  async start({ options, textfile: path, fileMode, dryRun }) {
    const prepared = await prepareTextfile({ ...options, labels: options.groupingLabels, textfile: path as string, fileMode });
    return { report: prepared.report, dryRunChunks: () => [prepared.text], send: dryRun ? undefined : () => writePreparedTextfile(prepared) };
  },
};
