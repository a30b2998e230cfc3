import { describe, expect, it } from 'vitest';
import { cleanMetricName, cleanName, isValidLabelName, isValidMetricName, metricNameFromFileName } from '../../src/metrics/names.js';

describe('cleanName', () => {
  it.each([
    // Before issue 16 these kept their case and every `_`: Host_Name, rate_, Gr__e.
    ['Host Name', 'host_name'],
    ['2xx', '_2xx'],
    ['  region  ', 'region'],
    ['rate%', 'rate'],
    ['Grüße', 'gr_e'],
    ['cpu load (%)', 'cpu_load'],
    ['mem_used (MB)', 'mem_used_mb'],
    ['codes 2xx', 'codes_2xx'],
    ['codes  2xx', 'codes_2xx'],
    ['Total Discharges', 'total_discharges'],
    ['Price/Earnings', 'price_earnings'],
    ['(%) share', 'share'],
    ['_id', '_id'],
    ['__name__', '__name'],
    ['%', ''],
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

describe('cleanMetricName (a --metric-column cell)', () => {
  it.each([
    ['job:requests:rate5m', 'job:requests:rate5m'],
    ['nodeLoad1', 'nodeLoad1'],
    ['disk used%', 'disk_used'],
    ['HTTP Requests (total)', 'http_requests_total'],
  ])('%j becomes %j', (text, expected) => {
    expect(cleanMetricName(text)).toBe(expected);
  });
});
