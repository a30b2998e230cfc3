/**
 * Every failure a user can cause or meet ends up as one CsvPushError, so the CLI can
 * print one line and set an exit code without knowing where the error came from.
 */
import type { RunReport } from './report.js';

export type ErrorCode =
  | 'USAGE'
  | 'INPUT'
  | 'STRICT'
  | 'SKIPPED_ROWS'
  | 'PUSH_REFUSED'
  | 'PUSH_UNREACHABLE'
  | 'PUSH_TIMEOUT'
  | 'TLS'
  | 'GATEWAY_ANSWER'
  | 'WRITE_FAILED';

/** Exit codes are a contract with cron and CI: 1 means the gateway did not take it, 2 means fix your input. */
export const EXIT_CODES: Readonly<Record<ErrorCode, 1 | 2>> = {
  USAGE: 2,
  INPUT: 2,
  STRICT: 2,
  SKIPPED_ROWS: 2,
  PUSH_REFUSED: 1,
  PUSH_UNREACHABLE: 1,
  PUSH_TIMEOUT: 1,
  TLS: 1,
  GATEWAY_ANSWER: 1,
  // A --textfile that could not be written: like a refused push, the destination did not take it.
  WRITE_FAILED: 1,
};

export class CsvPushError extends Error {
  readonly code: ErrorCode;
  /** HTTP status of the gateway's last answer, when there was one. */
  readonly status: number | undefined;
  /** What the run had done when it failed, when it got as far as reading the rows. */
  report: RunReport | undefined;

  constructor(code: ErrorCode, message: string, options: { status?: number; cause?: unknown; report?: RunReport } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CsvPushError';
    this.code = code;
    this.status = options.status;
    this.report = options.report;
  }

  get exitCode(): 1 | 2 {
    return EXIT_CODES[this.code];
  }
}

export function usageError(message: string): CsvPushError {
  return new CsvPushError('USAGE', message);
}

export function inputError(message: string): CsvPushError {
  return new CsvPushError('INPUT', message);
}
