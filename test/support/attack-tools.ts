/**
 * Tools for hostile requests against an auth replica: a JSON client that never throws on
 * an HTTP status, a raw-socket client for requests fetch refuses to send (repeated headers),
 * and a JWT forge for tokens the replica must refuse.
 */
import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';

import jwt from 'jsonwebtoken';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text ('' for none). */
  body: any;
}

export interface RequestOptions {
  /** Sent as JSON with Content-Type application/json. */
  json?: unknown;
  /** Sent as is (malformed JSON, huge bodies, gzip). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Uint8Array | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body as BodyInit });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    parsed = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/**
 * Writes `request` verbatim on a fresh socket and reads the answer until the server closes
 * (send `Connection: close`). For requests fetch refuses to send: repeated headers,
 * conflicting framing, oversized headers.
 */
export function rawCall(baseUrl: string, request: string | Buffer): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString();
      const [head = '', body = ''] = answer.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
      if (status === undefined) {
        reject(new Error(`no status line in: ${answer.slice(0, 200)}`));
        return;
      }
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
      }
      const isJson = (headers.get('content-type') ?? '').includes('application/json');
      resolve({ status: Number(status), headers, body: isJson ? JSON.parse(body) : body });
    });
  });
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

export interface ForgeDefaults {
  secret: string;
  issuer: string;
  audience: string;
}

/** Tokens, honest and forged, for one service's key, issuer and audience. */
export function jwtForge(defaults: ForgeDefaults) {
  const { secret, issuer, audience } = defaults;
  const nowS = () => Math.floor(Date.now() / 1000);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const claims = (sub: string, extra: Record<string, unknown> = {}) => ({
    sub,
    iss: issuer,
    aud: audience,
    iat: nowS(),
    exp: nowS() + 300,
    ...extra,
  });

  return {
    nowS,
    claims,
    /** HS256 with the service's key: valid unless `extra` breaks a claim. */
    valid: (sub: string, extra: Record<string, unknown> = {}) =>
      jwt.sign(claims(sub, extra), secret, { algorithm: 'HS256' }),
    /** Any payload (keys set to undefined are dropped), HS256, the service's key. */
    signed: (payload: Record<string, unknown>, key = secret, algorithm: jwt.Algorithm = 'HS256') =>
      jwt.sign(JSON.parse(JSON.stringify(payload)), key, { algorithm }),
    rs256: (sub: string) => jwt.sign(claims(sub), rsa.privateKey, { algorithm: 'RS256' }),
    /** An unsigned token; `alg` lets tests try spellings such as "None". */
    unsigned: (sub: string, alg = 'none') =>
      `${base64url({ alg, typ: 'JWT' })}.${base64url(claims(sub))}.`,
    /** A valid token whose payload is replaced, signature kept. */
    tampered: (token: string, payload: Record<string, unknown>) => {
      const [header, , signature] = token.split('.');
      return `${header}.${base64url(payload)}.${signature}`;
    },
  };
}
