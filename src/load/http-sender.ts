/**
 * Sends one HTTP request through undici's lowest-level API (dispatch with a handler), so a
 * request costs no stream or promise: the generator spends as little CPU per request as it
 * can, and that CPU is not taken from the server it measures. With several origins (client-
 * side balancing) each has its own pool and requests go to them in turn.
 */
import { Pool, type Dispatcher } from 'undici';

import { LabError } from '../errors.js';
import { loopbackOrigin } from './target.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Collect the body as text (login, refresh); other answers are read and dropped. */
  wantBody: boolean;
}

export type HttpResultKind = 'answer' | 'timeout' | 'connection' | 'other';

export interface HttpResult {
  kind: HttpResultKind;
  status: number;
  body: string | null;
  /** The error code or message when there was no answer. */
  error?: string;
}

/**
 * Limitation: the timeout counts from when undici writes the request, as undici's own timers
 * do, not from its due time; a request queued behind busy connections (open model, stalled
 * server) waits at most until the worker's hard stop and is then recorded as a timeout.
 * Counting from the due time would need one timer per queued request.
 */
export interface HttpSenderOptions {
  origins: readonly string[];
  /** Sockets per origin. */
  connections: number;
  timeoutMs: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
]);

const JSON_HEADERS = { 'content-type': 'application/json' };

export class HttpSender {
  private readonly pools: Pool[];
  private next = 0;
  /** Set at the hard stop: requests cut off then are timeouts, not connection failures. */
  private stopping = false;

  constructor(options: HttpSenderOptions) {
    this.pools = options.origins.map((origin) => {
      // The last guard: whatever resolved the target, a socket only ever opens to loopback.
      const checked = loopbackOrigin(origin, 'load target');
      return new Pool(checked, {
        connections: options.connections,
        pipelining: 1,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        connectTimeout: Math.min(options.timeoutMs, 10_000),
        keepAliveTimeout: 60_000,
      });
    });
    if (this.pools.length === 0) throw new LabError('INTERNAL', 'the load sender has no origin');
  }

  send(request: HttpRequest, callback: (result: HttpResult) => void): void {
    const pool = this.pools[this.next] as Pool;
    this.next = (this.next + 1) % this.pools.length;

    const options: Dispatcher.DispatchOptions = {
      method: request.method,
      path: request.path,
      headers: request.body === undefined ? request.headers :
        { ...JSON_HEADERS, ...request.headers },
      body: request.body,
    };
    let status = 0;
    let chunks: Buffer[] | null = request.wantBody ? [] : null;
    let settled = false;
    const settle = (result: HttpResult): void => {
      if (settled) return;
      settled = true;
      callback(result);
    };

    pool.dispatch(options, {
      // Its presence tells undici this handler speaks the current (controller) interface.
      onRequestStart: () => undefined,
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: (_controller, chunk) => {
        chunks?.push(chunk);
      },
      onResponseEnd: () => {
        const body = chunks === null ? null : Buffer.concat(chunks).toString('utf8');
        chunks = null;
        settle({ kind: 'answer', status, body });
      },
      onResponseError: (_controller, error) => {
        settle({ kind: this.classify(error), status, body: null, error: describe(error) });
      },
    });
  }

  private classify(error: Error): HttpResultKind {
    const code = (error as { code?: string }).code ?? '';
    if (this.stopping) return 'timeout';
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (CONNECTION_CODES.has(code)) return 'connection';
    return 'other';
  }

  /** Closes idle sockets after in-flight requests end. */
  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.close().catch(() => undefined)));
  }

  /** The hard stop: cuts every request still waiting; each reports a timeout. */
  async destroy(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.pools.map((pool) => pool.destroy().catch(() => undefined)));
  }
}

function describe(error: Error): string {
  const code = (error as { code?: string }).code;
  return code ? `${code}: ${error.message}` : error.message;
}
