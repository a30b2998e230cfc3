// The public library API. The CLI uses nothing but what is exported here.
export { pushCsv, preparePush, sendPush, deleteGroup } from './push-csv.js';
export type { PushCsvOptions, CsvOptions, GroupOptions, PreparedPush } from './push-csv.js';
export type { RunReport } from './report.js';
export type { CsvSource } from './csv/source.js';
export type { SkippedRow, DuplicateRow } from './metrics/row-mapper.js';
export type { GroupingLabel, BasicCredentials } from './push/gateway-url.js';
export { parseGroupingLabel, DEFAULT_GATEWAY } from './push/gateway-url.js';
export type { TransportOptions, TlsOptions, AttemptEvent } from './push/http-client.js';
export { readTransportSecrets, parseHeader } from './push/transport-files.js';
export type { TransportSecretsInput, TransportSecrets } from './push/transport-files.js';
export { CsvPushError, EXIT_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
export { cleanName, metricNameFromFileName, isValidMetricName, isValidLabelName } from './metrics/names.js';
export { parseSampleValue } from './metrics/values.js';
export type { ExpositionBody } from './metrics/body.js';
