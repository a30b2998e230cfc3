import { CommanderError } from 'commander';

// Parsers for option values, shared by every command; a bad value is a usage error (exit 2).

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function usageFailure(message: string): CommanderError {
  return new CommanderError(2, 'csv-push.usage', `error: ${message}`);
}

export function positiveNumber(flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw usageFailure(`${flag} must be a positive number of seconds, not "${text}"`);
    }
    return value;
  };
}

/** Node's timers take at most 2^31-1 ms and fire after 1 ms beyond that; a longer --timeout is refused, not clamped. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function timeoutSeconds(flag: string) {
  const positive = positiveNumber(flag);
  return (text: string): number => {
    const value = positive(text);
    if (value > MAX_TIMEOUT_SECONDS) throw usageFailure(`${flag} can be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days), not "${text}"`);
    return value;
  };
}

export function positiveWholeNumber(flag: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw usageFailure(`${flag} must be a whole number, 1 or more, not "${text}"`);
    return Number(text);
  };
}

export function wholeNumber(flag: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim())) {
      throw usageFailure(`${flag} must be a whole number (0 or more), not "${text}"`);
    }
    return Number(text);
  };
}
