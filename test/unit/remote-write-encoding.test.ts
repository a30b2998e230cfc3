import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { seriesLabels } from '../../src/remote-write/series-labels.js';
import { parseTimestamp } from '../../src/metrics/timestamps.js';
import { decodeRemoteWriteBody, remoteWriteBody, WriteRequestEncoder, type RemoteSeries } from '../../src/remote-write/write-request.js';

describe('parseTimestamp', () => {
  const may1 = Date.UTC(2024, 4, 1, 12, 0, 0);

  it.each([
    ['1714564800', may1],
    ['1714564800.25', may1 + 250],
    ['1714564800000', may1],
    ['  1714564800123 ', may1 + 123],
    ['0', 0],
    // The largest second count and the smallest millisecond count: the size decides.
    ['99999999999', 99_999_999_999_000],
    ['100000000000', 100_000_000_000],
    ['2024-05-01T12:00:00Z', may1],
    ['2024-05-01t12:00:00z', may1],
    ['2024-05-01 12:00:00Z', may1],
    ['2024-05-01T14:00:00+02:00', may1],
    ['2024-05-01T07:30:00.5-04:30', may1 + 500],
    ['2024-05-01T12:00:00.123456789Z', may1 + 123],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    // Issue 16: exports' own spellings. Refused before it (a time without a zone, a date alone); a
    // time without a zone is now UTC, stated in the docs, never the machine's zone.
    ['2024-05-01T12:00:00', may1],
    ['2024-05-01 12:00', may1],
    ['2024-05-01T12:00Z', may1],
    ['2024-05-01 12:00:00 UTC', may1],
    ['2024-05-01 12:00:00 GMT', may1],
    ['2024-05-01 14:00:00 +0200', may1],
    ['2024-05-01 14:00:00+02', may1],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2020-01-22', Date.UTC(2020, 0, 22)],
  ])('reads %j', (cell, expected) => {
    expect(parseTimestamp(cell)).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '-1714564800',
    '1714564800e3',
    '0x10',
    // Microseconds and nanoseconds: refused rather than read as a date millennia away.
    '1714564800000000',
    '1714564800000000000',
    // A zone needs a time; a date needs a day.
    '2024-05-01Z',
    '2024-05-01 UTC',
    '2024-05',
    '2024-05-01 12',
    '2024-05-01 12:00:00 CEST',
    '2023-02-29T00:00:00Z',
    '2023-02-29',
    '2024-13-01T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60:00Z',
    '2024-05-01T23:59:60Z',
    '2024-05-01T12:00:00+24:00',
  ])('refuses %j', (cell) => {
    expect(parseTimestamp(cell)).toBeUndefined();
  });
});

describe('seriesLabels', () => {
  it('puts __name__, row and constant labels in name order and leaves out empty values', () => {
    expect(
      seriesLabels(
        'disk_usage',
        { mount: '/', Zone: '', host: 'a' },
        [{ name: 'job', value: 'nightly' }, { name: 'env', value: 'prod' }, { name: 'team', value: '' }],
      ),
    ).toEqual([
      { name: '__name__', value: 'disk_usage' },
      { name: 'env', value: 'prod' },
      { name: 'host', value: 'a' },
      { name: 'job', value: 'nightly' },
      { name: 'mount', value: '/' },
    ]);
  });

  it('sorts by code unit, as Prometheus compares label names (upper case before lower case)', () => {
    const names = seriesLabels('m', { b: '1', B: '1', _a: '1' }, []).map((label) => label.name);
    expect(names).toEqual(['B', '__name__', '_a', 'b']);
  });
});

describe('remoteWriteBody', () => {
  const series = [
    { labels: seriesLabels('m', { host: 'ä "quoted"\n' }, []), value: 1.5, timestampMs: 1_714_564_800_123 },
    { labels: seriesLabels('m', { host: 'b' }, []), value: Number.NEGATIVE_INFINITY, timestampMs: 0 },
    { labels: seriesLabels('m', { host: 'c' }, []), value: -0.25, timestampMs: 99_999_999_999_999 },
  ];

  it('is a snappy block (not the framing format) holding the WriteRequest', () => {
    const body = remoteWriteBody(series);
    // The framing format starts with the stream identifier chunk 0xff 06 00 00 "sNaPpY".
    expect(body.subarray(0, 4)).not.toEqual(Buffer.from([0xff, 0x06, 0x00, 0x00]));
    expect(() => snappy.uncompress(body)).not.toThrow();
    expect(decodeRemoteWriteBody(body).timeseries).toEqual(
      series.map((one) => ({ labels: one.labels, samples: [{ value: one.value, timestamp: one.timestampMs }] })),
    );
  });

  it('carries an empty batch as an empty WriteRequest', () => {
    expect(decodeRemoteWriteBody(remoteWriteBody([])).timeseries).toEqual([]);
  });
});

describe('WriteRequestEncoder', () => {
  // Upstream's messages (prompb), encoded the plain way: a tree of objects given to protobufjs.
  const reference = protobuf
    .parse(`syntax = "proto3";
      message WriteRequest { repeated TimeSeries timeseries = 1; }
      message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
      message Label { string name = 1; string value = 2; }
      message Sample { double value = 1; int64 timestamp = 2; }`)
    .root.lookupType('WriteRequest');
  // Hex, so a difference shows where it is without comparing buffers byte by byte as objects.
  const referenceBytes = (series: readonly RemoteSeries[]) =>
    Buffer.from(reference.encode(reference.fromObject({ timeseries: series.map((one) => ({ labels: one.labels, samples: [{ value: one.value, timestamp: one.timestampMs }] })) })).finish()).toString('hex');
  // Long values and many labels make messages longer than 127 bytes, whose lengths take two bytes.
  const batch = (size: number, offset: number): RemoteSeries[] =>
    Array.from({ length: size }, (_, index) => ({
      labels: seriesLabels('m', { host: `host-${index + offset}`, note: 'ä'.repeat(index % 90), z: index % 3 === 0 ? '' : 'x' }, [{ name: 'job', value: 'j' }]),
      value: [0, 1, -0.5, Number.NaN, 1e300][index % 5] as number,
      timestampMs: 1_714_564_800_123 + index,
    }));

  it('writes batch after batch, in one buffer kept between them, the bytes protobufjs writes for each whole WriteRequest', () => {
    const encoder = new WriteRequestEncoder();
    for (const series of [batch(300, 0), batch(2, 300), batch(1, 302), batch(500, 303)]) {
      for (const one of series) encoder.add(one);
      expect(encoder.series).toBe(series.length);
      const body = encoder.takeBody();
      expect(encoder.series).toBe(0);
      expect(Buffer.from(snappy.uncompress(body)).toString('hex')).toBe(referenceBytes(series));
    }
  });

  it('drops what discard() is given up on, and starts the next batch empty', () => {
    const encoder = new WriteRequestEncoder();
    for (const one of batch(10, 0)) encoder.add(one);
    encoder.discard();
    const kept = batch(3, 10);
    for (const one of kept) encoder.add(one);
    expect(Buffer.from(snappy.uncompress(encoder.takeBody())).toString('hex')).toBe(referenceBytes(kept));
  });
});

describe('seriesLabels, files of different columns in one run', () => {
  it('works the order out again when the label names change, and when the constant labels do', () => {
    const constants = [{ name: 'job', value: 'j' }];
    expect(seriesLabels('m', { b: '1', a: '2' }, constants).map((label) => label.name)).toEqual(['__name__', 'a', 'b', 'job']);
    expect(seriesLabels('m', { b: '1', a: '' }, constants).map((label) => label.name)).toEqual(['__name__', 'b', 'job']);
    expect(seriesLabels('m', { b: '1', a: '2', c: '3' }, constants).map((label) => label.name)).toEqual(['__name__', 'a', 'b', 'c', 'job']);
    expect(seriesLabels('m', { b: '1' }, constants).map((label) => label.name)).toEqual(['__name__', 'b', 'job']);
    expect(seriesLabels('m', { zz: '1', a: '2' }, constants)).toEqual([
      { name: '__name__', value: 'm' },
      { name: 'a', value: '2' },
      { name: 'job', value: 'j' },
      { name: 'zz', value: '1' },
    ]);
    expect(seriesLabels('m', { zz: '1', a: '2' }, [{ name: 'env', value: 'prod' }]).map((label) => label.name)).toEqual(['__name__', 'a', 'env', 'zz']);
  });
});
