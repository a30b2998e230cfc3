import type { DestinationEntry, RunRequest } from '../pipeline/destination.js';

// Where a run's destination is chosen: one line each. A run loads only the destination it goes
// to, so a push never loads remote write's protobufjs, and --textfile never loads node:http.

export async function chooseDestination(request: Pick<RunRequest, 'textfile' | 'remoteWrite' | 'openmetrics'>): Promise<DestinationEntry> {
  if (request.textfile !== undefined) return (await import('./textfile.js')).entry;
  if (request.openmetrics !== undefined) return (await import('./openmetrics.js')).entry;
  if (request.remoteWrite !== undefined) return (await import('./remote-write.js')).entry;
  return (await import('./pushgateway.js')).entry;
}
