/**
 * HTTP answers that are not successes. Handlers throw an HttpError for an answer they chose
 * (401, 409...); a dependency that does not answer arrives as a LabError with code
 * UNAVAILABLE (503); anything else is a bug and answers 500 with no detail. Every error body
 * has one shape: { "error": { "code", "message" } }, and never a stack trace.
 *
 * HttpError stays inside this service: it is the service's answer to a client, while
 * LabError (src/errors.ts) is what crosses the lab's module boundaries.
 */
import type { ErrorRequestHandler, Response } from 'express';

import { describeError, isLabError } from '../../errors.js';
import type { Logger } from './log.js';

export type ApiErrorCode =
  | 'invalid_body'
  | 'malformed_json'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'invalid_email'
  | 'invalid_password'
  | 'invalid_display_name'
  | 'email_taken'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'invalid_refresh_token'
  | 'bad_request'
  | 'not_found'
  | 'method_not_allowed'
  | 'unavailable'
  | 'internal';

export class HttpError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export function sendError(res: Response, status: number, code: ApiErrorCode, message: string) {
  res.status(status).json({ error: { code, message } });
}

/** body-parser (under express.json) marks its errors with a `type`; map each to an answer. */
const BODY_ERRORS: Record<string, [number, ApiErrorCode, string]> = {
  'entity.too.large': [413, 'body_too_large', 'the request body is larger than 16 KiB'],
  'entity.parse.failed': [400, 'malformed_json', 'the request body is not valid JSON'],
  'encoding.unsupported': [
    415,
    'unsupported_media_type',
    'send the body uncompressed (no Content-Encoding)',
  ],
  'charset.unsupported': [415, 'unsupported_media_type', 'send the JSON body as UTF-8'],
  'request.aborted': [400, 'bad_request', 'the request body was cut short'],
  'request.size.invalid': [400, 'bad_request', 'the body length does not match Content-Length'],
};

function bodyErrorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const type = (error as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    // A failure after the head went out cannot become an error body; drop the connection
    // so the client sees a broken response instead of a silently truncated one.
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }

    if (error instanceof HttpError) {
      res.set(error.headers);
      sendError(res, error.status, error.code, error.message);
      return;
    }

    const bodyError = BODY_ERRORS[bodyErrorType(error) ?? ''];
    if (bodyError) {
      const [status, code, message] = bodyError;
      sendError(res, status, code, message);
      return;
    }

    if (isLabError(error) && error.code === 'UNAVAILABLE') {
      res.set('Retry-After', '1');
      sendError(res, 503, 'unavailable', 'a backing service is unavailable; retry shortly');
      return;
    }

    log.error('internal_error', {
      method: req.method,
      path: req.path.slice(0, 200),
      error: describeError(error),
    });
    sendError(res, 500, 'internal', 'internal error');
  };
}
