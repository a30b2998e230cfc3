import { describe, expect, it } from 'vitest';
import { parseSampleValue } from '../../src/metrics/values.js';

describe('parseSampleValue', () => {
  it.each([
    ['1', 1],
    ['-0.25', -0.25],
    ['.5', 0.5],
    ['5.', 5],
    [' 2.5e3 ', 2500],
    ['1E-3', 0.001],
    ['+7', 7],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-inf', Number.NEGATIVE_INFINITY],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('%j is %d', (cell, expected) => {
    expect(parseSampleValue(cell)).toBe(expected);
  });

  it('reads true and false, in any case, as 1 and 0', () => {
    expect(parseSampleValue('true')).toBe(1);
    expect(parseSampleValue(' FALSE ')).toBe(0);
    expect(parseSampleValue('True')).toBe(1);
  });

  it('reads NaN in any case', () => {
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('nan')).toBeNaN();
  });

  it.each(['', '   ', 'abc', '1,5', '0x10', '1e', '--1', '1_000', 'yes', 'truthy', '12abc'])('%j is not a sample value', (cell) => {
    expect(parseSampleValue(cell)).toBeUndefined();
  });
});
