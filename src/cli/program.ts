import { Command, Option } from 'commander';
import { DEFAULT_MAX_RECORD_SIZE } from '../csv/dialect.js';
import { DEFAULT_BATCH_SIZE } from '../remote-write/defaults.js';
import { NUMERIC_SAMPLE_ROWS } from '../metrics/numeric-sample-size.js';
import { addTransportOptions, gatewayOption, type ConnectionCliOptions } from './connection.js';
import { collect, positiveWholeNumber, usageFailure, wholeNumber } from './option-values.js';

// The command line: every option, its help text and examples, parsed by commander.

const EXAMPLES = `
Examples:
  $ csv-push data.csv --job example_job
  $ csv-push disk.csv --job disk --value-column used_bytes --label instance=web-1
  $ some-export | csv-push - --job nightly --metric nightly_rows
  $ csv-push data.csv --job example_job --dry-run | promtool check metrics
  $ csv-push --delete --job example_job --label instance=web-1
  $ csv-push long.csv --job j --metric-column metric --value-column value
  $ csv-push export.csv.gz --job j -d ';' --encoding latin1 --skip-lines 2 --comment '#'
  $ csv-push raw.csv --job j --no-header --columns host,region,load --value-column load
  $ csv-push medicare.csv --job j --value-column 'Total Discharges' --rename 'Total Discharges=discharges'
  $ csv-push states.csv --job j --value-columns numeric --dry-run   # shows which columns it chose
  $ csv-push hosts.csv --job j --value-column 'mem_*' --value-column '*_bytes' --ignore-column 'note*'
  $ csv-push umsatz.csv --job j -d ';' --decimal , --thousands . --strip '€' --value-column Umsatz
  $ csv-push medicare.csv --job j --thousands , --strip '$' --value-column 'Average Total Payments'
  $ csv-push hosts.csv --job j --label-column host --ignore-column comment --value-column up
  $ csv-push checks.csv --job j --quote "'" --trim --max-record-size 65536
  $ csv-push a.csv b.csv --job nightly      # both files, one request
  $ csv-push data.csv --job j -g https://gw:9091 --ca-file ca.pem --username alice --password-file pw.txt
  $ csv-push data.csv --job j -g https://gw:9091 --cert-file client.pem --key-file client-key.pem
  $ csv-push data.csv --job j --method post --strict --json --timeout 5 --retries 4 --description "Queue depth"
  $ csv-push data.csv --job j -g https://proxy/pgw --bearer-token-file token -H "X-Scope-OrgID: team-a" --gzip
  $ csv-push data.csv --job j --max-skipped 5%      # more than 5% of a file's rows skipped: exit 2, nothing sent
  $ csv-push data.csv --job j --max-skipped 100%    # push even if every row is skipped (empties the group)
  $ csv-push ragged.csv --job j --allow-short-rows --value-column load
  $ csv-push packages.tsv --job j -d tab --quote none --skip-empty-values --value-column size
  $ csv-push data.csv --dry-run                     # the body alone, no --job needed
  $ csv-push disk.csv --textfile /var/lib/prometheus/node-exporter/disk.prom --value-column used_bytes
  $ csv-push disk.csv --textfile /var/lib/prometheus/node-exporter/disk.prom --file-mode 0640   # group-readable only
  $ HTTPS_PROXY=http://proxy.corp:3128 NO_PROXY=localhost,.corp csv-push data.csv --job j -g https://gw.example.com
  $ csv-push data.csv --job j --proxy http://proxy.corp:3128          # every request through it
  $ csv-push data.csv --job j --no-proxy                               # directly, whatever *_PROXY says
  $ csv-push big.csv --remote-write http://localhost:9090/api/v1/write --job import --value-column value
  $ csv-push history.csv --remote-write http://vm:8428/api/v1/write --timestamp-column time --value-column load
  $ csv-push big.csv --remote-write https://mimir/api/v1/push -H "X-Scope-OrgID: team-a" --batch-size 2000
  $ csv-push cases.csv --openmetrics cases.om --timestamp-column date --value-column cases   # history for Prometheus:
  $ promtool tsdb create-blocks-from openmetrics cases.om /var/lib/prometheus/metrics2   # (docs/history.md)

Other commands (name them first; push a CSV file called push, groups or prune as ./groups):
  $ csv-push groups [--job j] [--label name=value] [--older-than 1d] [--json]   list the gateway's groups
  $ csv-push prune --older-than 7d [--dry-run] [--job j] [--label name=value]   delete groups not pushed for that long
  (csv-push groups --help and csv-push prune --help show every option)

A file whose every data row is skipped is never pushed (it would empty the group): exit 2.

Destinations, one per run: the Pushgateway (default), --textfile, --remote-write, or --openmetrics.
Exit codes: 0 pushed (rows may have been skipped), 1 the push failed, 2 usage or input error.
Environment: PUSHGATEWAY_URL (default gateway), PUSHGATEWAY_USERNAME, PUSHGATEWAY_PASSWORD,
PUSHGATEWAY_BEARER_TOKEN, HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (and lower case), NODE_EXTRA_CA_CERTS,
SSL_CERT_FILE, NO_COLOR, FORCE_COLOR.
https trusts Node's bundled roots, NODE_EXTRA_CA_CERTS and the system trust store; --ca-file adds to them.`;

/** --file-mode's value; a bad one is a usage error (exit 2). */
function fileModeOption(text: string): number {
  if (!/^0?[0-7]{3}$/.test(text.trim())) throw usageFailure(`--file-mode must be an octal mode such as 0644 or 640, as chmod takes it, not "${text}"`);
  return Number.parseInt(text.trim(), 8);
}

export interface CliOptions extends ConnectionCliOptions {
  /** Required, except with --dry-run: checked after parsing, so an unknown option is named first. */
  job?: string;
  metric?: string;
  description?: string;
  label?: string[];
  valueColumn?: string[];
  valueColumns?: 'numeric';
  method: 'put' | 'post';
  delete?: boolean;
  dryRun?: boolean;
  strict?: boolean;
  maxSkipped?: string;
  allowShortRows?: boolean;
  skipEmptyValues?: boolean;
  delimiter?: string;
  json?: boolean;
  /** Shared by -H (HTTP headers) and --no-header (no CSV header row): read it through `parsed` below. */
  header?: unknown;
  gzip?: boolean;
  labelColumn?: string[];
  rename?: string[];
  decimal?: '.' | ',';
  thousands?: string;
  strip?: string;
  ignoreColumn?: string[];
  metricColumn?: string;
  columns?: string;
  skipLines?: number;
  comment?: string;
  quote?: string;
  trim?: boolean;
  encoding?: string;
  maxRecordSize?: number;
  quiet?: boolean;
  verbose?: boolean;
  textfile?: string;
  fileMode?: number;
  remoteWrite?: string;
  openmetrics?: string;
  timestampColumn?: string;
  timestampFormat?: string;
  timezone?: string;
  batchSize: number;
}

/**
 * `-H, --header` (HTTP) and `--no-header` (CSV) are both part of the interface, but commander files
 * them under one attribute; each keeps its own record here instead.
 */
export interface SharedNameOptions {
  readonly httpHeaders: string[];
  csvHeader: boolean;
}

export interface ProgramOutput {
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

function pushMethod(text: string): 'put' | 'post' {
  const method = text.toLowerCase();
  if (method !== 'put' && method !== 'post') throw usageFailure(`--method must be put or post (any case), not "${text}"`);
  return method;
}

/** The push command: the default, so `csv-push data.csv --job j` and `csv-push push data.csv --job j` are the same run. */
export function buildPushCommand(version: string, env: NodeJS.ProcessEnv, parsed: SharedNameOptions, output: ProgramOutput): Command {
  const program = new Command('push')
    .on('option:no-header', () => {
      parsed.csvHeader = false;
    })
    .description(
      "Turn CSV rows into Prometheus gauges and push them to a Pushgateway under a job name, write them to a .prom file for node_exporter's textfile collector, or send them to a Prometheus remote-write receiver.",
    )
    .argument('[files...]', 'CSV file(s) to read; - reads standard input')
    .option('-j, --job <name>', 'job name of the group to push to (required, except with --dry-run); with --textfile, --remote-write or --openmetrics, label job on every series')
    .addOption(gatewayOption(env))
    .option('--textfile <path.prom>', "write a .prom file for node_exporter's textfile collector (atomically: a scrape never sees half of it) instead of pushing")
    .option('--file-mode <octal>', "with --textfile: the file's mode (default: the mode of the file it replaces, or 0644 for a new one, whatever the umask, so node_exporter can read it)", fileModeOption)
    .option('--remote-write <url>', 'send the rows to a Prometheus remote-write receiver (Prometheus, VictoriaMetrics, Mimir, Thanos) in batches instead of pushing; host:port means http://host:port/api/v1/write')
    .option('--openmetrics <file>', "write an OpenMetrics file with each row's time (needs --timestamp-column), for promtool tsdb create-blocks-from openmetrics: history that remote write cannot bring into Prometheus")
    .option('--timestamp-column <column>', "with --remote-write or --openmetrics: each row's time: Unix seconds or ms, 2020-01-22, 2024-05-01 12:00:00 with Z, UTC or +02:00, or without a zone (UTC) (default: the time of the run)")
    .option('--timestamp-format <layout>', "with --timestamp-column: read its cells by this Luxon layout instead, e.g. 'dd.MM.yyyy HH:mm' or 'MM/dd/yyyy h:mm a ZZ' (the letters are listed in docs/wide-tables.md)")
    .option('--timezone <Area/City>', 'with --timestamp-column: the zone of times written without one, e.g. Europe/Berlin (default: UTC)')
    .option('--batch-size <series>', 'with --remote-write: series per request', positiveWholeNumber('--batch-size'), DEFAULT_BATCH_SIZE)
    .option('-m, --metric <name>', "gauge name (default: the file's base name, cleaned; required with -)")
    .option('--description <text>', 'HELP text of the gauge(s)')
    .option('-l, --label <name=value>', 'extra grouping-key label (with --textfile, --remote-write or --openmetrics, a label on every series); repeatable', collect)
    .option('--value-column <column>', "column holding sample values, gauge <metric>_<column>, or a glob pattern of columns ('mem_*'); repeatable (default: every row is 1)", collect)
    .addOption(
      new Option('--value-columns <which>', `numeric: every column whose non-empty cells are all numbers in the first ${NUMERIC_SAMPLE_ROWS} data rows is a value column, the rest labels (printed with --verbose, --dry-run, --json)`).choices(['numeric']),
    )
    .addOption(new Option('--method <method>', 'put replaces the whole group, post only the same-named metrics (any case)').argParser(pushMethod).default('put'))
    .option('--delete', 'delete the group (job plus --label labels); takes no file')
    .option('--dry-run', 'print the exposition text on stdout; send nothing')
    .option('--strict', 'fail with exit 2, pushing nothing, if any row or value cell would be skipped, or a row duplicated')
    .option('--max-skipped <n|p%>', 'fail with exit 2, pushing nothing, if a file skips more rows, or more value cells, than this (e.g. 10, or 5% of its rows and of its value cells); 100% pushes a file even if every row is skipped')
    .option('--allow-short-rows', 'read missing trailing cells of a short row as empty, instead of skipping the row')
    .option('--skip-empty-values', 'skip rows whose value cell is empty without a warning, only counting them')
    .option('--rename <column=name>', "name a column's label or gauge yourself instead of its cleaned header; repeatable (e.g. --rename 'Total Discharges=discharges')", collect)
    .addOption(new Option('--decimal <char>', "decimal separator of value cells: . or , (--decimal , reads 1,5)").choices(['.', ',']))
    .option('--thousands <sep>', "thousands separator of value cells, grouping by threes: , . ' _ or space (reads 1,174 or 1 174)")
    .option('--strip <chars>', "characters removed from value cells before reading them, such as '$%' (otherwise $12 and 5% are no numbers)")
    .option('--label-column <column>', "only these columns become labels (a name or a glob pattern such as '*_id'); repeatable", collect)
    .option('--ignore-column <column>', "drop this column (a name or a glob pattern such as 'note*'); repeatable", collect)
    .option('--metric-column <column>', "long format: each row's gauge is named by this column (--metric becomes a prefix)")
    .option('-d, --delimiter <char>', 'field delimiter: one character, or tab', ',')
    .option('--quote <char>', 'quote character, or none to read every quote as an ordinary character', '"')
    .option('--trim', 'strip spaces around unquoted fields')
    .option('--comment <char>', 'ignore lines starting with this character')
    .option('--skip-lines <n>', 'skip this many lines above the header (a preamble)', wholeNumber('--skip-lines'))
    .option('--no-header', 'the file has no header row; name the columns with --columns')
    .option('--columns <names>', 'comma-separated column names, with --no-header')
    .option('--encoding <name>', 'utf-8, latin1 or utf-16le', 'utf-8')
    .option('--max-record-size <bytes>', 'refuse a record larger than this (UTF-8 bytes), such as one an unclosed quote runs away with', wholeNumber('--max-record-size'), DEFAULT_MAX_RECORD_SIZE)
    .option('--json', 'print one JSON object summing up the run on stdout');
  return addTransportOptions(program, parsed.httpHeaders)
    .option('--gzip', 'compress the request body (Content-Encoding: gzip; gateways from v1.5)')
    .option('-q, --quiet', 'print errors only')
    .option('--verbose', 'show every attempt, every warning, and stack traces')
    .version(version, '-V, --version')
    // The default command: `push` may be named or left out.
    .configureHelp({ commandUsage: () => 'csv-push [push] [options] [files...]' })
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run csv-push --help for usage)')
    .exitOverride()
    .configureOutput(output);
}


/**
 * The one program: `push` is the default command, so a run names it or not; `groups` and `prune`
 * are named first. The root has no help of its own: `csv-push --help` is the push command's.
 */
export function buildProgram(version: string, push: Command, others: readonly Command[], output: ProgramOutput): Command {
  const program = new Command('csv-push')
    .helpOption(false)
    .helpCommand(false)
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput(output);
  program.addCommand(push, { isDefault: true });
  for (const command of others) program.addCommand(command);
  return program;
}
