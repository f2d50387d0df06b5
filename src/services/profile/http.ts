/**
 * The service's own HTTP endpoint on 127.0.0.1: GET /healthz for supervisors and readiness
 * waits, GET /metrics for Prometheus. Nothing else is served.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Registry } from 'prom-client';

import { LabError } from '../../errors.js';

export interface HealthReport {
  /** 200 when true, 503 otherwise. */
  ok: boolean;
  state: string;
  [detail: string]: unknown;
}

export interface RunningHttp {
  port: number;
  close(): Promise<void>;
}

export function startHttp(
  port: number,
  registry: Registry,
  health: () => HealthReport,
): Promise<RunningHttp> {
  const server = createServer((request, response) => {
    route(request, response, registry, health).catch((error: unknown) => {
      send(response, 500, 'text/plain', `${String(error)}\n`);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'INTERNAL';
      reject(new LabError(code, `cannot listen on 127.0.0.1:${port} (${error.code}); ` +
        'free the port or give this replica another AUTHLAB_HTTP_PORT', { cause: error }));
    });
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // A keep-alive scraper's connection would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  registry: Registry,
  health: () => HealthReport,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET') {
    send(response, 405, 'text/plain', 'only GET is served\n');
  } else if (path === '/healthz') {
    const report = health();
    send(response, report.ok ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
  } else if (path === '/metrics') {
    send(response, 200, registry.contentType, await registry.metrics());
  } else {
    send(response, 404, 'text/plain', 'not found; try /healthz or /metrics\n');
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
