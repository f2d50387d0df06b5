/**
 * The HTTP server around the Express app: timeouts that bound slow clients, JSON answers
 * even for requests Node's parser rejects, and a drain that lets in-flight requests finish.
 */
import {
  createServer,
  STATUS_CODES,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';

import { AUTH_LIMITS } from './config.js';

export interface AuthServer {
  server: Server;
  /**
   * Stops accepting, lets in-flight requests finish, then resolves; after `timeoutMs` the
   * remaining connections are cut and it resolves with false.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

/** Node's parser errors, by code, as the status that says what was wrong. */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * Malformed HTTP (both Content-Length and Transfer-Encoding, oversized headers, bad bytes)
 * never reaches Express; Node would answer with an empty body. Answer in the service's one
 * error shape instead, and close: the connection's framing cannot be trusted any more.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = clientErrorStatus(error.code);
  const body = JSON.stringify({
    error: { code: 'bad_request', message: 'the HTTP request is malformed' },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

export function createAuthServer(app: RequestListener): AuthServer {
  const server = createServer(app);
  server.requestTimeout = AUTH_LIMITS.requestTimeoutMs;
  server.headersTimeout = AUTH_LIMITS.headersTimeoutMs;
  server.on('clientError', answerClientError);

  let draining = false;
  // Responses not yet written, so a drain can make them close their connection.
  const pending = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    pending.add(res);
    res.once('close', () => pending.delete(res));
  });

  const drain = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      draining = true;
      // close() drops idle keep-alive connections only; a busy one would idle on after its
      // answer until keepAliveTimeout. Connection: close ends it with that answer.
      for (const res of pending) if (!res.headersSent) res.setHeader('Connection', 'close');

      const cutoff = setTimeout(() => {
        server.closeAllConnections();
        resolve(false);
      }, timeoutMs);
      server.close(() => {
        clearTimeout(cutoff);
        resolve(true);
      });
    });

  return { server, drain };
}
