import { expect } from 'vitest';
import { CsvPushError } from '../../src/index.js';

/** Awaits a promise that must fail with a CsvPushError, and returns the error. */
export async function failure(promise: Promise<unknown>): Promise<CsvPushError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CsvPushError);
  return error as CsvPushError;
}
