import protobuf from 'protobufjs';
import snappy from 'snappyjs';

// The messages of Prometheus' remote write 1.0 (prompb/remote.proto and types.proto), reduced
// to the fields a sender of gauges fills. protobufjs encodes them from this schema: the wire
// format is the library's job, not ours. Field numbers are the upstream ones.
const REMOTE_WRITE_PROTO = `
syntax = "proto3";
package prometheus;

message WriteRequest {
  repeated TimeSeries timeseries = 1;
  reserved 2, 3;
}

message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
}

message Label {
  string name = 1;
  string value = 2;
}

message Sample {
  double value = 1;
  int64 timestamp = 2;
}

// The same WriteRequest on the wire, its series carried as already-encoded TimeSeries: an embedded
// message and a bytes field holding that message's encoding are written identically (tag 1,
// length, bytes). A batch then holds one small buffer per series instead of a tree of objects.
message EncodedWriteRequest {
  repeated bytes timeseries = 1;
}
`;

export interface SeriesLabel {
  readonly name: string;
  readonly value: string;
}

/** One sample of one series, as a remote-write receiver stores it. */
export interface RemoteSeries {
  /** Sorted by name, `__name__` included, no empty values: see seriesLabels. */
  readonly labels: readonly SeriesLabel[];
  readonly value: number;
  /** Milliseconds since the Unix epoch. */
  readonly timestampMs: number;
}

let schema: protobuf.Root | undefined;

/** Parsed on first use: runs that push to a Pushgateway never pay for it. */
function messageType(name: 'WriteRequest' | 'TimeSeries' | 'EncodedWriteRequest'): protobuf.Type {
  schema ??= protobuf.parse(REMOTE_WRITE_PROTO, { keepCase: true }).root;
  return schema.lookupType(`prometheus.${name}`);
}

/** One series as an encoded `TimeSeries` message, to wait in its batch. */
export function encodeTimeSeries(series: RemoteSeries): Uint8Array {
  return messageType('TimeSeries')
    .encode({ labels: series.labels, samples: [{ value: series.value, timestamp: series.timestampMs }] })
    .finish();
}

/** A remote-write body: the `WriteRequest` of these encoded series, compressed with snappy's block format (not its framing format). */
export function remoteWriteBodyOf(encodedSeries: readonly Uint8Array[]): Buffer {
  const compressed = snappy.compress(messageType('EncodedWriteRequest').encode({ timeseries: encodedSeries }).finish());
  return Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength);
}

/** A remote-write body for these series. */
export function remoteWriteBody(series: readonly RemoteSeries[]): Buffer {
  return remoteWriteBodyOf(series.map(encodeTimeSeries));
}

/** Reverses remoteWriteBody: for tests, which check what a receiver would read. */
export function decodeRemoteWriteBody(body: Uint8Array): { timeseries: { labels: SeriesLabel[]; samples: { value: number; timestamp: number }[] }[] } {
  const writeRequest = messageType('WriteRequest');
  const message = writeRequest.decode(snappy.uncompress(body));
  return writeRequest.toObject(message, { longs: Number, defaults: true }) as ReturnType<typeof decodeRemoteWriteBody>;
}
