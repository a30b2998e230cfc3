import { sourceName } from '../csv/source.js';
import { CsvPushError } from '../errors.js';
import type { AttemptTally, RegistryDestination, StreamDestination, StreamLanded } from './destination.js';
import { RowFindings } from '../metrics/row-findings.js';
import type { RunReport } from '../report.js';
import type { CsvOptions } from './options.js';
import { collectGauges, collectSeries, type ReadRows } from './read-rows.js';
import { landedReport, rowsReport } from './report.js';
import { checkRows, checkRuleOptions } from './rules.js';
import { LaterRowsOnly, RepeatFinder, type RepeatCounts } from './repeats.js';
import { ReadTwice } from './read-twice.js';

// One run from the sources to a destination. The rules on skipped and repeated rows run here,
// once, for every destination, before it may send.

/** Rows read, checked and rendered for a destination, not yet sent: a caller can report the rows' warnings first. */
export interface PreparedRun<Payload> {
  readonly payload: Payload;
  /** The report as it stands before sending: `pushed` is false. */
  readonly report: RunReport;
  readonly started: number;
}

type Payload = { chunks(): Iterable<Uint8Array | string> };
type PayloadOf<D> = D extends RegistryDestination<infer P> ? P : never;

/** Reads every source into gauges, runs the rules, and renders what the destination would take. */
export async function prepareRun<D extends RegistryDestination<Payload>>(
  options: CsvOptions,
  /** Made once the rules' options are checked, so that their mistakes are named first. */
  makeDestination: () => D,
  started: number,
): Promise<PreparedRun<PayloadOf<D>> & { readonly destination: D }> {
  checkRuleOptions(options);
  const destination = makeDestination();
  const collected = await collectGauges(options, destination.mapping);
  const report: RunReport = {
    action: 'dry-run',
    files: options.sources.map(sourceName),
    ...destination.destined,
    series: collected.gauges.seriesCount,
    // Without times, a series holds one sample.
    samples: collected.gauges.seriesCount,
    metrics: collected.gauges.metricNames,
    ...rowsReport(collected),
    pushed: false,
    status: undefined,
    attempts: 0,
    durationMs: Math.round(Date.now() - started),
  };
  checkRows(options, collected, report);
  return { payload: (await destination.render(collected.gauges)) as PayloadOf<D>, report, started, destination };
}

/** Hands a prepared run to its destination; the report says `pushed` only when the destination took it. */
export async function sendPrepared<P extends Payload>(prepared: PreparedRun<P>, destination: Pick<RegistryDestination<P>, 'send' | 'action'>): Promise<RunReport> {
  const tally: AttemptTally = { attempts: 0 };
  try {
    return landedReport(prepared.report, destination.action, await destination.send(prepared.payload, tally), prepared.started);
  } catch (error) {
    if (error instanceof CsvPushError) {
      error.report = landedReport(prepared.report, destination.action, { pushed: false, status: error.status, attempts: tally.attempts }, prepared.started);
    }
    throw error;
  }
}

/**
 * Reads the rows twice for a destination that takes them with their times (remote write,
 * --openmetrics). The first reading maps and checks every row and finds the samples repeated
 * anywhere in the run (see repeats.ts); the rules that need every row (--strict, --max-skipped, a
 * file whose every row is skipped) run once it ends, before anything is sent. The second reading
 * streams each sample (from its last row, when it repeats) to the destination, in batches.
 * A failure after some batches were accepted says so: those samples are stored for good.
 */
export async function streamRun<Family>(
  options: CsvOptions & { readonly dryRun?: boolean | undefined },
  /** Made once the rules' options are checked, so that their mistakes are named first. */
  makeDestination: () => Promise<StreamDestination<Family>>,
  started: number,
): Promise<RunReport> {
  checkRuleOptions(options);
  const destination = await makeDestination();
  let read: ReadRows | undefined;
  const repeats = new RepeatFinder(destination.mapping.timestampColumn !== undefined);
  let counts: () => RepeatCounts = () => repeats.counts();
  const report = (pushed: boolean, landed: StreamLanded): RunReport => ({
    action: destination.action,
    files: options.sources.map(sourceName),
    ...destination.destined,
    ...counts(),
    ...rowsReport(read),
    pushed,
    status: landed.status,
    attempts: landed.attempts,
    durationMs: Math.round(Date.now() - started),
    ...landed.fields,
  });
  const findings = new RowFindings();
  const sources = new ReadTwice(options.sources);
  try {
    read = await collectSeries({ ...options, sources: await sources.first() }, destination.mapping, repeats, findings);
    const { last, ...found } = repeats.finish();
    counts = () => found;
    checkRows(options, read, report(false, destination.progress()));
    destination.expect?.(found);
    // The same rows again: what reading found is the first reading's, told once.
    const again = { ...options, sources: sources.second() };
    if (last === undefined) await collectSeries(again, destination.mapping, destination.sink, new RowFindings());
    else await collectSeries(again, destination.mapping, new LaterRowsOnly(destination.sink, last), new RowFindings());
    return report(destination.action !== 'dry-run', await destination.finish());
  } catch (error) {
    read ??= { findings, files: [], warnings: [], hints: [], valueColumnsChosen: [] };
    const landed = await destination.abandon();
    if (!(error instanceof CsvPushError)) throw error;
    // Accepted batches are stored for good: the user needs to know the run was cut short, not undone.
    const samplesSent = landed.fields.samplesSent ?? 0;
    const batchesSent = landed.fields.batches ?? 0;
    const failure =
      batchesSent > 0 && destination.action !== 'dry-run'
        ? new CsvPushError(error.code, `${error.message}; the run stopped there, and the ${samplesSent === 1 ? 'sample' : `${samplesSent} samples`} of the ${batchesSent === 1 ? 'batch' : `${batchesSent} batches`} accepted before ${samplesSent === 1 ? 'was' : 'were'} stored`, {
            ...(error.status === undefined ? {} : { status: error.status }),
            cause: error,
          })
        : error;
    failure.report = report(false, landed);
    throw failure;
  } finally {
    await sources.remove();
  }
}
