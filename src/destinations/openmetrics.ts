import { constantLabelNames, constantLabels } from '../pipeline/constant-labels.js';
import type { DestinationEntry, StreamDestination, StreamLanded } from '../pipeline/destination.js';
import { HashTable, SampleHasher } from '../pipeline/key-table.js';
import type { CsvOptions } from '../pipeline/options.js';
import type { RowSink } from '../pipeline/read-rows.js';
import type { RepeatCounts } from '../pipeline/repeats.js';
import { streamRun } from '../pipeline/run.js';
import type { LabelSet, SampleOrigin } from '../metrics/gauges.js';
import type { GroupingLabel, RunReport } from '../report.js';
import { replaceFile } from '../textfile/write-textfile.js';
import { validateGroupingKey } from '../transport/gateway-url.js';
import { usageError } from '../errors.js';

// History for Prometheus: an OpenMetrics file with each row's time, for
// `promtool tsdb create-blocks-from openmetrics FILE DIR` (docs/history.md). Remote write cannot
// take it: Prometheus refuses samples older than its head ("out of bounds").
//
// promtool keeps only the samples of a series that come in time order and drops the rest without
// a word, so the file holds each series' samples together, in time order, one per time (the
// pipeline leaves out the earlier rows of a repeat, as for remote write).
//
// The sample lines are ours: prom-client renders a registry's current values, one per series,
// and cannot write a sample's time. Its names are the pipeline's (names.ts), its escaping is the
// OpenMetrics text format's (\\, \n and " in label values and HELP), as prom-client escapes.

export interface OpenMetricsCsvOptions extends CsvOptions {
  /** The file to write (replaced atomically). */
  readonly openmetrics: string;
  /** Column holding each row's time: required, since the file exists to carry times. */
  readonly timestampColumn: string | undefined;
  /** Set as label `job` on every series, when given. */
  readonly job?: string | undefined;
  /** Set on every series; empty values are left out. */
  readonly labels?: readonly GroupingLabel[];
  /** Read and check every row, write nothing: the report says what the file would hold. */
  readonly dryRun?: boolean;
}

/** The file's text is written in pieces of about this many characters, never as one string. */
const CHUNK_CHARACTERS = 1 << 16;

/** Reads the CSV sources and writes their samples, with their times, as an OpenMetrics file. */
export async function openMetricsCsv(options: OpenMetricsCsvOptions): Promise<RunReport> {
  return (await startOpenMetrics(options)).report;
}

async function startOpenMetrics(options: OpenMetricsCsvOptions): Promise<{ report: RunReport; text: () => Iterable<string> }> {
  if (options.timestampColumn === undefined) throw usageError(`openmetrics ${options.openmetrics} holds each row's time; name the column holding it with timestampColumn`);
  const started = Date.now();
  const labels = options.labels ?? [];
  validateGroupingKey(options.job, labels);
  const sink = new TimedSamples(constantLabels(options.job, labels));
  const dryRun = options.dryRun === true;
  const landed = (pushed: boolean): StreamLanded => ({ pushed, status: undefined, attempts: 0, fields: {} });
  const destination: StreamDestination<TimedFamily> = {
    action: dryRun ? 'dry-run' : 'openmetrics',
    mapping: { groupingLabelNames: constantLabelNames(options.job, labels), reservedMetricNames: [], constantLabels: 'every-series', timestampColumn: options.timestampColumn },
    destined: { gateway: undefined, openmetrics: options.openmetrics, job: options.job, groupingLabels: labels, method: undefined, ...(options.timestampColumn === undefined ? {} : { timestampColumn: options.timestampColumn }) },
    sink,
    expect: (counts) => sink.expect(counts),
    progress: () => landed(false),
    finish: async () => {
      if (!dryRun) await replaceFile(options.openmetrics, sink.text(), { option: '--openmetrics', elsewhere: 'name a file in a directory that exists with --openmetrics' });
      return landed(!dryRun);
    },
    abandon: async () => landed(false),
  };
  const report = await streamRun(options, async () => destination, started);
  return { report, text: () => sink.text() };
}

interface TimedFamily {
  readonly name: string;
  readonly help: string;
  /** Its series, by number, in the order first seen. */
  readonly series: number[];
}

/**
 * Every sample of the run in three typed arrays (series number, time, value: 20 bytes a sample,
 * sized at once from the first reading's count), each series' label text once, and a hash table
 * from series to number (23 to 46 bytes a series). Sorted when the file is written.
 */
class TimedSamples implements RowSink<TimedFamily> {
  private readonly families = new Map<string, TimedFamily>();
  private readonly hasher = new SampleHasher();
  private seriesNumbers = new HashTable();
  /**
   * `name{labels}` of every series, by number, as UTF-8 bytes one after another: a million
   * strings built by concatenation cost hundreds of bytes each on the heap (measured: 630 MB
   * peak for a million series), their bytes cost their length.
   */
  private seriesText = Buffer.alloc(1 << 16);
  private seriesTextEnd = 0;
  /** Where each series' text starts in seriesText; one more entry for the end of the last. */
  private seriesStarts = new Float64Array(1);
  private seriesCount = 0;
  private sampleSeries = new Uint32Array(0);
  private sampleTimes = new Float64Array(0);
  private sampleValues = new Float64Array(0);
  private samples = 0;
  /** ` job="x",env="y"` as the labels every series ends with, escaped once. */
  private readonly constantText: string;

  constructor(constant: readonly GroupingLabel[]) {
    this.constantText = constant.map((label) => `${label.name}="${escapeLabelValue(label.value)}"`).join(',');
  }

  /** Sizes the arrays for the samples the second reading hands on: the first reading counted them. */
  expect(counts: RepeatCounts): void {
    this.sampleSeries = new Uint32Array(counts.samples);
    this.sampleTimes = new Float64Array(counts.samples);
    this.sampleValues = new Float64Array(counts.samples);
    this.seriesNumbers = new HashTable(counts.series);
    this.seriesStarts = new Float64Array(counts.series + 1);
  }

  family(name: string, help: string): TimedFamily {
    let family = this.families.get(name);
    if (family === undefined) {
      family = { name, help, series: [] };
      this.families.set(name, family);
    }
    return family;
  }

  fileIndex(): number {
    return 0;
  }

  set(family: TimedFamily, labelSet: LabelSet, value: number, _fileIndex: number, _line: number, timestampMs: number | undefined): SampleOrigin | undefined {
    this.hasher.series(family.name, labelSet.key);
    let number = this.seriesNumbers.get(this.hasher.high, this.hasher.low);
    if (number === undefined) {
      number = this.seriesCount++;
      this.seriesNumbers.set(this.hasher.high, this.hasher.low, number);
      this.keepText(this.labelText(family.name, labelSet.labels));
      family.series.push(number);
    }
    // The first reading counted every sample handed on here; more would be a defect, not data.
    if (this.samples === this.sampleSeries.length) throw new Error(`more samples than the first reading counted (${this.samples})`);
    this.sampleSeries[this.samples] = number;
    this.sampleTimes[this.samples] = timestampMs as number;
    this.sampleValues[this.samples] = value;
    this.samples++;
    return undefined;
  }

  private keepText(text: string): void {
    const most = text.length * 3;
    if (this.seriesTextEnd + most > this.seriesText.length) {
      const larger = Buffer.alloc(Math.max(this.seriesText.length * 2, this.seriesTextEnd + most));
      this.seriesText.copy(larger, 0, 0, this.seriesTextEnd);
      this.seriesText = larger;
    }
    this.seriesTextEnd += this.seriesText.write(text, this.seriesTextEnd, 'utf8');
    this.seriesStarts[this.seriesCount] = this.seriesTextEnd;
  }

  /** The file's text in pieces: family by family, series by series, each series' samples in time order, `# EOF` last. */
  *text(): Generator<string> {
    const order = this.bySeries();
    let piece = '';
    for (const family of this.families.values()) {
      if (family.series.length === 0) continue;
      piece += `# TYPE ${family.name} gauge\n# HELP ${family.name} ${escapeHelp(family.help)}\n`;
      for (const number of family.series) {
        const text = this.seriesText.toString('utf8', this.seriesStarts[number], this.seriesStarts[number + 1]);
        const samples = order.samples.subarray(order.starts[number], order.starts[number + 1]);
        if (!inTimeOrder(samples, this.sampleTimes)) samples.sort((a, b) => (this.sampleTimes[a] as number) - (this.sampleTimes[b] as number));
        for (const sample of samples) {
          piece += `${text} ${formatValue(this.sampleValues[sample] as number)} ${(this.sampleTimes[sample] as number) / 1000}\n`;
          if (piece.length >= CHUNK_CHARACTERS) {
            yield piece;
            piece = '';
          }
        }
      }
    }
    yield `${piece}# EOF\n`;
  }

  /** Sample numbers grouped by series (a counting sort: each series' samples stay in row order). */
  private bySeries(): { samples: Uint32Array; starts: Uint32Array } {
    const starts = new Uint32Array(this.seriesCount + 1);
    for (let index = 0; index < this.samples; index++) {
      const after = (this.sampleSeries[index] as number) + 1;
      starts[after] = (starts[after] as number) + 1;
    }
    for (let number = 0; number < this.seriesCount; number++) starts[number + 1] = (starts[number + 1] as number) + (starts[number] as number);
    const next = starts.slice(0, this.seriesCount);
    const samples = new Uint32Array(this.samples);
    for (let index = 0; index < this.samples; index++) {
      const number = this.sampleSeries[index] as number;
      samples[next[number] as number] = index;
      next[number] = (next[number] as number) + 1;
    }
    return { samples, starts };
  }

  private labelText(name: string, labels: Readonly<Record<string, string>>): string {
    let text = '';
    for (const label in labels) text += `${text === '' ? '' : ','}${label}="${escapeLabelValue(labels[label] as string)}"`;
    if (this.constantText !== '') text += `${text === '' ? '' : ','}${this.constantText}`;
    return text === '' ? name : `${name}{${text}}`;
  }
}

function inTimeOrder(samples: Uint32Array, times: Float64Array): boolean {
  for (let index = 1; index < samples.length; index++) if ((times[samples[index] as number] as number) < (times[samples[index - 1] as number] as number)) return false;
  return true;
}

/** OpenMetrics spells the special values so; other numbers as JavaScript writes them (shortest round trip). */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(help: string): string {
  return escapeLabelValue(help);
}

/** The command line's way in: a dry run prints the file's text on stdout. */
export const entry: DestinationEntry = {
  async start({ options, openmetrics: path, timestampColumn, dryRun }) {
    const { report, text } = await startOpenMetrics({ ...options, labels: options.groupingLabels, openmetrics: path as string, timestampColumn, dryRun });
    return { report, dryRunChunks: dryRun ? text : undefined, send: undefined };
  },
};
