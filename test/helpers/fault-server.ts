import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach } from 'vitest';

/** What the fault server does with the n-th request (1-based). */
export type FaultPlan = (attempt: number, request: IncomingMessage, response: ServerResponse) => void;

export interface FaultServer {
  readonly url: string;
  /** Requests received so far, with the body each carried. */
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer; at: number }[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server for the faults a real Pushgateway does not produce on demand:
 * 5xx answers, hangs and reset connections.
 */
export async function startFaultServer(plan: FaultPlan): Promise<FaultServer> {
  const requests: FaultServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks), at: Date.now() });
      plan(requests.length, request, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Fault servers for the tests of a describe block: the function it returns starts one, and every
 * server started in a test is closed after that test.
 */
export function useFaultServer(): (plan: FaultPlan) => Promise<FaultServer> {
  const started: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (plan) => {
    const server = await startFaultServer(plan);
    started.push(server);
    return server;
  };
}

export const answer = (status: number, body = '', headers: Record<string, string> = {}): FaultPlan => (_attempt, _request, response) => {
  response.writeHead(status, { 'content-type': 'text/plain', ...headers });
  response.end(body);
};

/** Accepts the request and never answers. */
export const hang: FaultPlan = () => {};

/** Drops the connection without an answer. */
export const reset: FaultPlan = (_attempt, request) => {
  request.socket.resetAndDestroy();
};
