import { describe, expect, it } from 'vitest';
import { cleanName, isValidLabelName, isValidMetricName, metricNameFromFileName } from '../../src/metrics/names.js';

describe('cleanName', () => {
  it.each([
    ['Host Name', 'Host_Name'],
    ['2xx', '_2xx'],
    ['  region  ', 'region'],
    ['rate%', 'rate_'],
    ['Grüße', 'Gr__e'],
    ['', ''],
    ['   ', ''],
  ])('%j becomes %j', (text, expected) => {
    expect(cleanName(text)).toBe(expected);
  });
});

describe('metricNameFromFileName', () => {
  it.each([
    ['disk-usage.csv', 'disk_usage'],
    ['/var/data/example_data.csv', 'example_data'],
    ['2024 report.tsv', '_2024_report'],
    ['nightly.csv.gz', 'nightly'],
    ['plain', 'plain'],
    ['.csv', ''],
  ])('%j gives %j', (file, expected) => {
    expect(metricNameFromFileName(file)).toBe(expected);
  });
});

describe('name validity', () => {
  it('accepts Prometheus metric names, colons included', () => {
    expect(isValidMetricName('job:requests:rate5m')).toBe(true);
    expect(isValidMetricName('1abc')).toBe(false);
    expect(isValidMetricName('a-b')).toBe(false);
  });
  it('refuses reserved and malformed label names', () => {
    expect(isValidLabelName('instance')).toBe(true);
    expect(isValidLabelName('__name__')).toBe(false);
    expect(isValidLabelName('a:b')).toBe(false);
  });
});
