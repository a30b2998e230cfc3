import { CsvPushError, usageError } from '../errors.js';
import type { GatewayAddress } from '../transport/gateway-url.js';
import type { Peer, RequestBody, TransportOptions } from '../transport/options.js';
import { sendToGateway } from '../transport/send.js';
import { DEFAULT_BATCH_SIZE } from './defaults.js';
import { WriteRequestEncoder, type RemoteSeries } from './write-request.js';


// Remote write may send a batch again: the same samples at the same times are the same data to a receiver.
export const RECEIVER_PEER: Peer = { noun: 'remote-write receiver', urlOption: '--remote-write', resendable: true };

/** Remote write 1.0: receivers read the version header to tell it from 2.0. */
const REMOTE_WRITE_HEADERS: Readonly<Record<string, string>> = { 'x-prometheus-remote-write-version': '0.1.0' };

export interface RemoteWriteProgress {
  /** Series in batches the receiver accepted. */
  readonly seriesSent: number;
  readonly batchesSent: number;
  /** HTTP attempts, retries included. */
  readonly attempts: number;
  /** Status of the last accepted batch (204 from Prometheus and VictoriaMetrics). */
  readonly status: number | undefined;
}

/**
 * Streams series to a remote-write receiver in batches, the next batch filling while earlier ones
 * are sent. At most `maxInFlight` requests are open at once, batch k waiting for the answer to
 * batch k - maxInFlight. With 1, batches arrive strictly in order, which a receiver needs when a
 * series has samples in several batches (Prometheus refuses a sample older than the last one of
 * its series); with more, a receiver can ingest batches of distinct series on several cores.
 * Memory holds a few batches, however many rows pass through.
 */
export class RemoteWriteSender {
  /** The batch filling up: each series is encoded into it as it comes, so nothing of a row waits as objects. */
  private readonly batch = new WriteRequestEncoder();
  /**
   * With times (`maxInFlight` 1), the batch's samples wait here instead, so that each series'
   * samples go out oldest first: Prometheus appends a request's samples in the order they come
   * and, at the end of the request, silently drops each one older than a sample of its series
   * before it (a file sorted newest first kept 1 sample of 4 and answered 204). Sorted only when
   * some series went back in time.
   */
  private readonly timed: { samples: { series: RemoteSeries; key: string }[]; latest: Map<string, number>; backwards: boolean } | undefined;
  /** The latest `maxInFlight` requests; each older one is awaited by a later one. */
  private recent: Promise<void>[] = [];
  private batchesQueued = 0;
  private seriesSent = 0;
  private batchesSent = 0;
  private attempts = 0;
  private status: number | undefined;
  private readonly transport: TransportOptions;

  constructor(
    private readonly address: GatewayAddress,
    transport: TransportOptions,
    readonly batchSize: number = DEFAULT_BATCH_SIZE,
    private readonly maxInFlight = 1,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw usageError(`--batch-size must be a whole number of series, 1 or more, not ${batchSize}`);
    }
    this.timed = maxInFlight === 1 ? { samples: [], latest: new Map(), backwards: false } : undefined;
    this.transport = {
      ...transport,
      onAttempt: (event) => {
        this.attempts++;
        transport.onAttempt?.(event);
      },
    };
  }

  /**
   * Queues one series. Returns a promise when a batch has filled up: await it before adding
   * more, so reading waits for a slow receiver instead of piling rows up in memory. It settles
   * when the batch may go out, and rejects when a batch it waited for failed for good.
   */
  add(series: RemoteSeries, seriesKey: string = seriesKeyOf(series)): Promise<void> | undefined {
    const timed = this.timed;
    if (timed === undefined) {
      this.batch.add(series);
      return this.batch.series < this.batchSize ? undefined : this.dispatch();
    }
    const latest = timed.latest.get(seriesKey);
    if (latest !== undefined && series.timestampMs < latest) timed.backwards = true;
    else timed.latest.set(seriesKey, series.timestampMs);
    timed.samples.push({ series, key: seriesKey });
    return timed.samples.length < this.batchSize ? undefined : this.dispatch();
  }

  /** Series added and not yet sent. */
  private get queued(): number {
    return this.timed === undefined ? this.batch.series : this.timed.samples.length;
  }

  /** Encodes the held samples of a batch with times, each series oldest first. */
  private encodeTimed(timed: NonNullable<RemoteWriteSender['timed']>): void {
    const samples = timed.samples;
    // Array.prototype.sort is stable: samples of different series keep their order.
    if (timed.backwards) samples.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.series.timestampMs - b.series.timestampMs));
    for (const { series } of samples) this.batch.add(series);
    timed.samples = [];
    timed.latest.clear();
    timed.backwards = false;
  }

  /** Sends what is left and waits for every batch; rejects with a batch that failed. */
  async finish(): Promise<RemoteWriteProgress> {
    if (this.queued > 0) void this.dispatch();
    await Promise.all(this.recent);
    return this.progress();
  }

  /** Waits for the batches on their way, without sending the rows still queued (the run failed). */
  async settle(): Promise<RemoteWriteProgress> {
    this.batch.discard();
    if (this.timed !== undefined) this.timed.samples = [];
    await Promise.allSettled(this.recent);
    return this.progress();
  }

  progress(): RemoteWriteProgress {
    return { seriesSent: this.seriesSent, batchesSent: this.batchesSent, attempts: this.attempts, status: this.status };
  }

  /** Encodes the full batch now and starts its request once a slot is free, in the order batches filled. */
  private dispatch(): Promise<void> {
    // Only the compressed body and the count outlive this call: the encoder's buffer is written
    // again by the next batch while this one is on its way.
    if (this.timed !== undefined) this.encodeTimed(this.timed);
    const seriesCount = this.batch.series;
    const body = this.batch.takeBody();
    const number = ++this.batchesQueued;
    const slot = this.recent.length >= this.maxInFlight ? this.recent[this.recent.length - this.maxInFlight] : undefined;
    const sending = (async () => {
      await slot;
      await this.send(body, seriesCount, number);
    })();
    // Awaited by a later batch, the reader or finish; until then a failure must not count as unhandled.
    sending.catch(() => undefined);
    this.recent.push(sending);
    if (this.recent.length > this.maxInFlight) this.recent.shift();
    return slot ?? Promise.resolve();
  }

  private async send(compressed: Buffer, seriesCount: number, number: number): Promise<void> {
    const body: RequestBody = {
      chunks: () => [compressed],
      contentType: 'application/x-protobuf',
      contentEncoding: 'snappy',
      headers: REMOTE_WRITE_HEADERS,
    };
    try {
      const answer = await sendToGateway(this.address, 'POST', '', body, this.transport, RECEIVER_PEER);
      this.seriesSent += seriesCount;
      this.batchesSent++;
      this.status = answer.status;
    } catch (error) {
      if (!(error instanceof CsvPushError)) throw error;
      // The caller says what earlier batches stored; here, which batch failed and, if it is clear, why.
      // Prometheus' words for a sample it holds already with another value: the run leaves out
      // its own repeats, so the receiver holds one from an earlier run.
      const repeated = /duplicate sample for timestamp/.test(error.message)
        ? ': the receiver already holds a sample of this series at this time with another value (from an earlier run?), and keeps the first it stored'
        : '';
      // Prometheus' words for samples older than its head takes ("out of bounds"), or than its out-of-order window ("too old").
      const old = /out of bounds|too old/.test(error.message)
        ? ": Prometheus takes no samples older than the ones it holds by remote write; write history with --openmetrics FILE --timestamp-column <column> and load it with promtool tsdb create-blocks-from openmetrics (docs/history.md)"
        : '';
      // Prometheus' words for a sample older than the last of its series that it holds: an earlier batch had a later one.
      // Batch 1 can only be older than what an earlier run stored; a later batch may be older than an earlier one.
      const disorder = !/out of order sample/.test(error.message)
        ? ''
        : number > 1
          ? ": Prometheus takes a series' samples oldest first, and an earlier batch held a later sample of this series; sort the rows by time, oldest first, or pass --batch-size above the run's sample count (each batch is sent in time order)"
          : ': Prometheus already holds a later sample of this series (from an earlier run?) and takes none older; send only rows newer than what it holds, or write history with --openmetrics (docs/history.md)';
      const which = number > 1 ? ` (batch ${number})` : '';
      throw new CsvPushError(error.code, `${error.message}${which}${repeated}${old}${disorder}`, {
        ...(error.status === undefined ? {} : { status: error.status }),
        cause: error,
      });
    }
  }
}

/** A series' identity from its sorted labels, for callers that hold no key of their own. */
function seriesKeyOf(series: RemoteSeries): string {
  return series.labels.map(({ name, value }) => `${name}\u0000${value}`).join('\u0001');
}
