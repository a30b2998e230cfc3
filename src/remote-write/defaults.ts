/**
 * Series per remote-write request. A few thousand keeps each request well within receivers' body
 * limits and quick to retry, while a million rows still take only a few hundred requests.
 * (Kept apart from the sender so that --help can show it without loading protobufjs.)
 */
export const DEFAULT_BATCH_SIZE = 5000;
