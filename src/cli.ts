import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { AttemptEvent, CsvSource, PushCsvOptions, RunReport, TransportSecrets } from './index.js';

// Only commander is loaded up front so that --help and usage errors answer fast;
// the CSV and push machinery is imported once a run actually needs it.

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
  $ csv-push hosts.csv --job j --label-column host --ignore-column comment --value-column up
  $ csv-push checks.csv --job j --quote "'" --trim --max-record-size 65536
  $ csv-push a.csv b.csv --job nightly      # both files, one request
  $ csv-push data.csv --job j -g https://gw:9091 --ca-file ca.pem --username alice --password-file pw.txt
  $ csv-push data.csv --job j -g https://gw:9091 --cert-file client.pem --key-file client-key.pem
  $ csv-push data.csv --job j --method post --strict --json --timeout 5 --retries 4 --description "Queue depth"
  $ csv-push data.csv --job j -g https://proxy/pgw --bearer-token-file token -H "X-Scope-OrgID: team-a" --gzip

Exit codes: 0 pushed (rows may have been skipped), 1 the push failed, 2 usage or input error.
Environment: PUSHGATEWAY_URL (default gateway), PUSHGATEWAY_USERNAME, PUSHGATEWAY_PASSWORD,
PUSHGATEWAY_BEARER_TOKEN, NO_COLOR, FORCE_COLOR.`;

interface CliOptions {
  job: string;
  gateway?: string;
  metric?: string;
  description?: string;
  label?: string[];
  valueColumn?: string[];
  method: 'put' | 'post';
  delete?: boolean;
  dryRun?: boolean;
  strict?: boolean;
  delimiter?: string;
  timeout: number;
  retries: number;
  json?: boolean;
  username?: string;
  passwordFile?: string;
  bearerTokenFile?: string;
  /** Shared by -H (HTTP headers) and --no-header (no CSV header row): read it through `parsed` below. */
  header?: unknown;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure?: boolean;
  gzip?: boolean;
  labelColumn?: string[];
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
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function positiveNumber(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw new CommanderError(2, 'csv-push.usage', `error: ${flag} must be a positive number of seconds, not "${text}"`);
    }
    return value;
  };
}

function wholeNumber(flag: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim())) {
      throw new CommanderError(2, 'csv-push.usage', `error: ${flag} must be a whole number (0 or more), not "${text}"`);
    }
    return Number(text);
  };
}

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/**
 * `-H, --header` (HTTP) and `--no-header` (CSV) are both part of the interface, but commander files
 * them under one attribute; each keeps its own record here instead.
 */
interface SharedNameOptions {
  readonly httpHeaders: string[];
  csvHeader: boolean;
}

export function buildProgram(env: NodeJS.ProcessEnv, parsed: SharedNameOptions = { httpHeaders: [], csvHeader: true }): Command {
  return new Command('csv-push')
    .on('option:no-header', () => {
      parsed.csvHeader = false;
    })
    .description('Turn CSV rows into Prometheus gauges and push them to a Pushgateway under a job name.')
    .argument('[files...]', 'CSV file(s) to read; - reads standard input')
    .requiredOption('-j, --job <name>', 'job name of the group to push to')
    .option('-g, --gateway <url>', 'Pushgateway URL; host:port means http', env.PUSHGATEWAY_URL || 'http://localhost:9091')
    .option('-m, --metric <name>', "gauge name (default: the file's base name, cleaned; required with -)")
    .option('--description <text>', 'HELP text of the gauge(s)')
    .option('-l, --label <name=value>', 'extra grouping-key label; repeatable', collect)
    .option('--value-column <column>', 'column holding sample values, gauge <metric>_<column>; repeatable (default: every row is 1)', collect)
    .addOption(new Option('--method <method>', 'put replaces the whole group, post only the same-named metrics').choices(['put', 'post']).default('put'))
    .option('--delete', 'delete the group (job plus --label labels); takes no file')
    .option('--dry-run', 'print the exposition text on stdout; send nothing')
    .option('--strict', 'fail with exit 2, pushing nothing, if any row would be skipped or duplicated')
    .option('--label-column <column>', 'only these columns become labels; repeatable', collect)
    .option('--ignore-column <column>', 'drop this column; repeatable', collect)
    .option('--metric-column <column>', "long format: each row's gauge is named by this column (--metric becomes a prefix)")
    .option('-d, --delimiter <char>', 'field delimiter: one character, or tab', ',')
    .option('--quote <char>', 'quote character', '"')
    .option('--trim', 'strip spaces around unquoted fields')
    .option('--comment <char>', 'ignore lines starting with this character')
    .option('--skip-lines <n>', 'skip this many lines above the header (a preamble)', wholeNumber('--skip-lines'))
    .option('--no-header', 'the file has no header row; name the columns with --columns')
    .option('--columns <names>', 'comma-separated column names, with --no-header')
    .option('--encoding <name>', 'utf-8, latin1 or utf-16le', 'utf-8')
    .option('--max-record-size <chars>', 'refuse a record larger than this, such as one an unclosed quote runs away with', wholeNumber('--max-record-size'), 1048576)
    .option('--timeout <seconds>', 'time limit of each attempt, connect included', positiveNumber('--timeout'), 10)
    .option('--retries <n>', 'extra attempts on network errors, timeouts and 5xx answers', wholeNumber('--retries'), 2)
    .option('--json', 'print one JSON object summing up the run on stdout')
    .option('--username <name>', 'basic-auth user (default: $PUSHGATEWAY_USERNAME); the password comes from --password-file or $PUSHGATEWAY_PASSWORD')
    .option('--password-file <path>', 'file holding the basic-auth password')
    .option('--bearer-token-file <path>', 'file holding a bearer token (default: $PUSHGATEWAY_BEARER_TOKEN)')
    .option('-H, --header <header>', 'extra HTTP header "Name: value"; repeatable', (value) => {
      parsed.httpHeaders.push(value);
      return undefined;
    })
    .option('--ca-file <pem>', "CA certificate(s) to trust for the gateway's TLS certificate")
    .option('--cert-file <pem>', 'client certificate for mutual TLS (with --key-file)')
    .option('--key-file <pem>', 'private key of the client certificate')
    .option('--insecure', "skip verifying the gateway's TLS certificate (warns on every run)")
    .option('--gzip', 'compress the request body (Content-Encoding: gzip; gateways from v1.5)')
    .option('-q, --quiet', 'print errors only')
    .option('--verbose', 'show every attempt, every warning, and stack traces')
    .version(version(), '-V, --version')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run csv-push --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });
}

/** Runs the CLI; sets process.exitCode rather than exiting, so buffered output is flushed. */
export async function main(argv: string[]): Promise<void> {
  const parsed: SharedNameOptions = { httpHeaders: [], csvHeader: true };
  const program = buildProgram(process.env, parsed);
  let files: string[];
  let options: CliOptions & SharedNameOptions;
  try {
    program.parse(argv);
    files = program.args;
    options = { ...program.opts<CliOptions>(), ...parsed };
  } catch (error) {
    if (error instanceof CommanderError) {
      const isHelpOrVersion = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      if (error.code === 'csv-push.usage') process.stderr.write(`${error.message}\n`);
      process.exitCode = isHelpOrVersion ? 0 : 2;
      return;
    }
    throw error;
  }
  const problem = usageProblem(files, options);
  if (problem !== undefined) {
    process.stderr.write(`error: ${problem}\n(run csv-push --help for usage)\n`);
    process.exitCode = 2;
    return;
  }
  await run(files, options);
}

async function run(files: string[], options: CliOptions & SharedNameOptions): Promise<void> {
  const [library, { Reporter, jsonSummary }] = await Promise.all([import('./index.js'), import('./cli/output.js')]);
  const reporter = new Reporter({
    quiet: options.quiet === true,
    verbose: options.verbose === true,
    env: process.env,
    writeErr: (text) => process.stderr.write(text),
  });
  let report: RunReport | undefined;
  let warnedRows = false;
  try {
    const secrets = await library.readTransportSecrets({
      username: options.username ?? nonEmpty(process.env.PUSHGATEWAY_USERNAME),
      password: nonEmpty(process.env.PUSHGATEWAY_PASSWORD),
      passwordFile: options.passwordFile,
      bearerToken: nonEmpty(process.env.PUSHGATEWAY_BEARER_TOKEN),
      bearerTokenFile: options.bearerTokenFile,
      caFile: options.caFile,
      certFile: options.certFile,
      keyFile: options.keyFile,
      insecure: options.insecure,
    });
    if (options.insecure) reporter.warning("--insecure: the gateway's TLS certificate is not verified; anyone in between can read and change the push");
    const pushOptions = toPushOptions(files, options, library, secrets, (event) => reporter.attempt(event));
    if (options.delete) {
      report = await library.deleteGroup(pushOptions);
    } else {
      const prepared = await library.preparePush(pushOptions);
      report = prepared.report;
      reporter.rowWarnings(report);
      if (options.dryRun) {
        for (const chunk of prepared.body.chunks()) process.stdout.write(chunk);
      } else {
        warnedRows = true;
        report = await library.sendPush(prepared);
      }
    }
    reporter.summary(report);
    if (options.json) process.stdout.write(jsonSummary(report, undefined));
    process.exitCode = 0;
  } catch (error) {
    if (!(error instanceof library.CsvPushError)) {
      reporter.error(`unexpected failure, please report it: ${error instanceof Error ? (options.verbose ? error.stack : error.message) : String(error)}`);
      if (options.json) process.stdout.write(jsonSummary(report, { code: 'INTERNAL', message: String(error), exitCode: 1 }));
      process.exitCode = 1;
      return;
    }
    if (error.report !== undefined && !warnedRows) reporter.rowWarnings(error.report);
    reporter.error(error.message);
    if (options.verbose && error.stack !== undefined) reporter.detail(error.stack);
    if (options.json) {
      process.stdout.write(jsonSummary(error.report, { code: error.code, message: error.message, exitCode: error.exitCode }));
    }
    process.exitCode = error.exitCode;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function toPushOptions(
  files: string[],
  options: CliOptions & SharedNameOptions,
  library: Pick<typeof import('./index.js'), 'parseGroupingLabel' | 'parseHeader'>,
  secrets: TransportSecrets,
  onAttempt: (event: AttemptEvent) => void,
): PushCsvOptions {
  return {
    sources: files.map((file): CsvSource => (file === '-' ? { name: 'standard input', stream: process.stdin } : { path: file })),
    job: options.job,
    gateway: options.gateway,
    groupingLabels: (options.label ?? []).map(library.parseGroupingLabel),
    metric: options.metric,
    description: options.description,
    valueColumns: options.valueColumn ?? [],
    method: options.method,
    strict: options.strict === true,
    labelColumns: options.labelColumn,
    ignoreColumns: options.ignoreColumn ?? [],
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
    transport: {
      timeoutMs: options.timeout * 1000,
      retries: options.retries,
      headers: Object.fromEntries(options.httpHeaders.map(library.parseHeader)),
      credentials: secrets.credentials,
      bearerToken: secrets.bearerToken,
      tls: secrets.tls,
      gzip: options.gzip === true,
      onAttempt,
    },
  };
}

/** Checks that need no file and no library, so a mistyped command answers at once. */
function usageProblem(files: string[], options: CliOptions & SharedNameOptions): string | undefined {
  if (options.delete) {
    if (files.length > 0) return '--delete takes no file: it deletes the whole group named by --job and --label';
    if (options.dryRun) return '--delete and --dry-run cannot be combined';
    return undefined;
  }
  if (files.length === 0) return 'no CSV file given; pass a path, or - for standard input';
  if (files.filter((file) => file === '-').length > 1) return 'standard input (-) can be read only once';
  if (options.dryRun && options.json) return '--dry-run and --json both print on stdout; use one of them';
  if (!options.csvHeader && options.columns === undefined) return '--no-header needs --columns to name the columns, e.g. --columns host,region,value';
  if (options.csvHeader && options.columns !== undefined) return '--columns names the columns of a file without a header row; add --no-header';
  return undefined;
}
