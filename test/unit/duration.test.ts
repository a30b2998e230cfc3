import { describe, expect, it } from 'vitest';
import { CsvPushError, formatAge, parseDuration } from '../../src/index.js';

describe('parseDuration', () => {
  it('reads Prometheus-style durations', () => {
    expect(parseDuration('90s', '--older-than')).toBe(90_000);
    expect(parseDuration('15m', '--older-than')).toBe(900_000);
    expect(parseDuration('24h', '--older-than')).toBe(86_400_000);
    expect(parseDuration('7d', '--older-than')).toBe(604_800_000);
    expect(parseDuration('2w', '--older-than')).toBe(1_209_600_000);
    expect(parseDuration('1h30m', '--older-than')).toBe(5_400_000);
    expect(parseDuration('1.5h', '--older-than')).toBe(5_400_000);
    expect(parseDuration('500ms', '--older-than')).toBe(500);
    expect(parseDuration(' 0s ', '--older-than')).toBe(0);
  });

  it('refuses anything else as a usage error naming the option', () => {
    for (const text of ['', '10', 's', '1 d', '1y', '-5m', '1h 30m', '1dd']) {
      const error = (() => {
        try {
          parseDuration(text, '--older-than');
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, text).toBeInstanceOf(CsvPushError);
      expect((error as CsvPushError).exitCode).toBe(2);
      expect((error as CsvPushError).message).toContain(`--older-than "${text}" is not a duration`);
    }
  });
});

describe('formatAge', () => {
  it('shows the two largest units', () => {
    expect(formatAge(800)).toBe('800ms');
    expect(formatAge(59_999)).toBe('59s');
    expect(formatAge(61_000)).toBe('1m 1s');
    expect(formatAge(3_600_000)).toBe('1h');
    expect(formatAge(3_661_000)).toBe('1h 1m');
    expect(formatAge(2 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('2d 4h');
    expect(formatAge(86_400_000 + 60_000)).toBe('1d');
  });
});
