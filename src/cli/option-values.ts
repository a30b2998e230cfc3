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

export function wholeNumber(flag: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim())) {
      throw usageFailure(`${flag} must be a whole number (0 or more), not "${text}"`);
    }
    return Number(text);
  };
}
