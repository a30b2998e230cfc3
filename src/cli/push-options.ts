import type { Readable } from 'node:stream';
import type { CsvSource, PreparePushOptions, TransportOptions } from '../index.js';
import type { CliOptions, SharedNameOptions } from './program.js';

/** The library's options for a push, from the command line's; `-` reads `stdin`. */
export function toPushOptions(
  files: string[],
  options: CliOptions & SharedNameOptions,
  parseGroupingLabel: typeof import('../index.js').parseGroupingLabel,
  stdin: Readable,
  transport: TransportOptions,
): PreparePushOptions {
  return {
    sources: files.map((file): CsvSource => (file === '-' ? { name: 'standard input', stream: stdin } : { path: file })),
    job: options.job,
    gateway: options.gateway,
    groupingLabels: (options.label ?? []).map(parseGroupingLabel),
    metric: options.metric,
    description: options.description,
    valueColumns: options.valueColumn ?? [],
    numericValueColumns: options.valueColumns === 'numeric',
    method: options.method,
    strict: options.strict === true,
    maxSkipped: options.maxSkipped,
    allowShortRows: options.allowShortRows === true,
    skipEmptyValues: options.skipEmptyValues === true,
    labelColumns: options.labelColumn,
    renames: options.rename ?? [],
    numberFormat: { decimal: options.decimal, thousands: options.thousands, strip: options.strip },
    ignoreColumns: options.ignoreColumn ?? [],
    timestampFormat: options.timestampFormat,
    timezone: options.timezone,
    metricColumn: options.metricColumn,
    columns: options.columns?.split(',').map((name) => name.trim()),
    dialect: {
      delimiter: options.delimiter,
      quote: options.quote,
      trim: options.trim === true,
      comment: options.comment,
      skipLines: options.skipLines,
      encoding: options.encoding,
      maxRecordSize: options.maxRecordSize,
    },
    transport: { ...transport, gzip: options.gzip === true },
  };
}
