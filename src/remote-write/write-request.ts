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

interface RemoteWriteTypes {
  readonly writeRequest: protobuf.Type;
  readonly timeSeries: protobuf.Type;
  /** The key before each series in a WriteRequest: field `timeseries`, length-delimited (wire type 2). */
  readonly timeSeriesKey: number;
}

let types: RemoteWriteTypes | undefined;

/**
 * Parsed on first use, and looked up once: runs that push to a Pushgateway never pay for it, and
 * a million rows do not pay a name lookup each.
 */
function remoteWriteTypes(): RemoteWriteTypes {
  if (types === undefined) {
    const root = protobuf.parse(REMOTE_WRITE_PROTO, { keepCase: true }).root;
    const writeRequest = root.lookupType('prometheus.WriteRequest');
    const timeSeriesField = writeRequest.fields['timeseries'] as protobuf.Field;
    types = { writeRequest, timeSeries: root.lookupType('prometheus.TimeSeries'), timeSeriesKey: (timeSeriesField.id << 3) | 2 };
  }
  return types;
}

/**
 * The WriteRequest of one batch, written series by series into one growing buffer of protobufjs'
 * Writer, as protobufjs' own encoder of WriteRequest writes its repeated `timeseries` field: key,
 * length, then the TimeSeries message encoded from the schema. No buffer per series, no tree of
 * objects per batch; the Writer's buffer is kept from batch to batch.
 */
export class WriteRequestEncoder {
  private readonly types = remoteWriteTypes();
  private readonly writer = protobuf.Writer.create();
  /**
   * The TimeSeries message handed to protobufjs, filled anew for each series: encode() reads it
   * at once and keeps nothing, so a million rows do not make three million more short-lived objects.
   */
  private readonly sample = { value: 0, timestamp: 0 };
  private readonly message: { labels: readonly SeriesLabel[]; samples: [{ value: number; timestamp: number }] } = { labels: [], samples: [this.sample] };
  /** Series written since the last body was taken. */
  series = 0;

  add(series: RemoteSeries): void {
    this.message.labels = series.labels;
    this.sample.value = series.value;
    this.sample.timestamp = series.timestampMs;
    this.types.timeSeries.encode(this.message, this.writer.uint32(this.types.timeSeriesKey).fork()).ldelim();
    this.series++;
  }

  /** Drops the series added since the last body was taken. */
  discard(): void {
    this.writer.reset();
    this.series = 0;
  }

  /**
   * The remote-write body of the series added since the last call, compressed with snappy's block
   * format (not its framing format); the encoder then starts a new, empty WriteRequest.
   */
  takeBody(): Buffer {
    // A view of the Writer's buffer, not a copy: snappy reads it before the buffer is written again.
    const compressed = snappy.compress(this.writer.finish(true));
    this.writer.reset();
    this.series = 0;
    return Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  }
}

/** A remote-write body for these series. */
export function remoteWriteBody(series: readonly RemoteSeries[]): Buffer {
  const encoder = new WriteRequestEncoder();
  for (const one of series) encoder.add(one);
  return encoder.takeBody();
}

/** Reverses remoteWriteBody: for tests, which check what a receiver would read. */
export function decodeRemoteWriteBody(body: Uint8Array): { timeseries: { labels: SeriesLabel[]; samples: { value: number; timestamp: number }[] }[] } {
  const { writeRequest } = remoteWriteTypes();
  const message = writeRequest.decode(snappy.uncompress(body));
  return writeRequest.toObject(message, { longs: Number, defaults: true }) as ReturnType<typeof decodeRemoteWriteBody>;
}
