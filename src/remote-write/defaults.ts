/**
 * Series per remote-write request. Ten thousand series of a few labels make a request of about
 * 1.3 MB before snappy and 200 KB after: well within receivers' body limits (VictoriaMetrics takes
 * 32 MB, Mimir 100 MB) and quick to retry, while a million rows take a hundred requests. Fewer,
 * larger requests also keep the heap small: with 5000 a million rows peaked 25 MB higher, the
 * young generation growing for the objects of the requests in flight (docs/performance.md).
 * (Kept apart from the sender so that --help can show it without loading protobufjs.)
 */
export const DEFAULT_BATCH_SIZE = 10_000;
