/**
 * The attack suite: hostile requests against a real auth replica process backed by a real
 * PostgreSQL and Redis. Every hostile input asserts the exact status and that nothing stored
 * changed where it must not (rows in users, keys in Redis).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { Redis } from 'ioredis';
import pg from 'pg';

import {
  call,
  jwtForge,
  rawCall,
  type Reply,
  type RequestOptions,
} from '../support/attack-tools.js';
import { runAuthMain, startAuthReplica, type AuthReplica } from '../support/auth-replica.js';
import { startPgRedis, type PgRedis } from '../support/pg-redis.js';

const SECRET = randomBytes(32).toString('base64');
const forge = jwtForge({ secret: SECRET, issuer: 'authlab', audience: 'authlab-api' });
const VICTIM = { email: 'victim@example.com', password: 'victim-password-1' };

let stack: PgRedis;
let replica: AuthReplica;
let db: pg.Client;
let redis: Redis;
const victim = { id: '', accessToken: '', refreshToken: '' };

const api = (method: string, path: string, options?: RequestOptions): Promise<Reply> =>
  call(replica.url, method, path, options);
const post = (path: string, json: unknown) => api('POST', path, { json });
const me = (authorization?: string) =>
  api('GET', '/auth/me', authorization === undefined ? {} : { headers: { authorization } });
const bearer = (token: string) => `Bearer ${token}`;
const refresh = (refreshToken: string) => post('/auth/refresh', { refreshToken });
/** A password that passes the rules, for cases about other fields. */
const PASSWORD = 'long-enough-1';

interface Stored {
  users: number;
  keys: number;
}

async function stored(): Promise<Stored> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return { users: rows[0]?.n ?? -1, keys: await redis.dbsize() };
}

async function login(email: string, password: string): Promise<Reply> {
  return post('/auth/login', { email, password });
}

async function bcryptCompares(): Promise<number> {
  const text = (await api('GET', '/metrics')).body as string;
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('authlab_bcrypt_duration_seconds_count') &&
      entry.includes('op="compare"'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

before(async () => {
  stack = await startPgRedis();
  replica = await startAuthReplica({
    pgUrl: stack.pgUrl,
    redisUrl: stack.redisUrl,
    jwtSecret: SECRET,
    replica: 'auth-e2e',
  });
  db = new pg.Client({ connectionString: stack.pgUrl });
  await db.connect();
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});

  const signup = await post('/auth/signup', { ...VICTIM, displayName: 'Victim' });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const tokens = await login(VICTIM.email, VICTIM.password);
  assert.equal(tokens.status, 200);
  Object.assign(victim, { id: signup.body.id, ...tokens.body });
});

after(async () => {
  await db?.end();
  redis?.disconnect();
  await replica?.stop();
  await stack?.stop();
});

interface HostileCase {
  name: string;
  send: () => Promise<Reply>;
  status: number;
  /** The error code of the answer, when it is an error. */
  code?: string;
  /** Expected change of rows in users and of keys in Redis; default none. */
  change?: Partial<Stored>;
}

/** Runs each case with a before/after look at what is stored. */
function hostile(cases: HostileCase[]): void {
  for (const c of cases) {
    it(`${c.name} -> ${c.status}`, async () => {
      const beforeStored = await stored();
      const reply = await c.send();
      assert.equal(reply.status, c.status, JSON.stringify(reply.body));
      if (c.code !== undefined) assert.equal(reply.body?.error?.code, c.code);
      if (reply.status >= 400) {
        assert.deepEqual(Object.keys(reply.body), ['error'], 'error body shape');
        assert.doesNotMatch(JSON.stringify(reply.body), /at .*\.js:\d+/, 'no stack trace');
      }
      const afterStored = await stored();
      assert.deepEqual(afterStored, {
        users: beforeStored.users + (c.change?.users ?? 0),
        keys: beforeStored.keys + (c.change?.keys ?? 0),
      });
    });
  }
}

describe('access tokens the replica must refuse', () => {
  const unknownUser = randomUUID();
  hostile([
    { name: 'an honest token', send: () => me(bearer(victim.accessToken)), status: 200 },
    {
      name: 'a payload swapped under a valid signature',
      send: () => me(bearer(forge.tampered(victim.accessToken, forge.claims(unknownUser)))),
      status: 401,
      code: 'invalid_token',
    },
    {
      name: 'a signature stripped off',
      send: () => me(bearer(victim.accessToken.replace(/[^.]+$/, ''))),
      status: 401,
    },
    { name: 'alg none', send: () => me(bearer(forge.unsigned(victim.id))), status: 401 },
    { name: 'alg "None"', send: () => me(bearer(forge.unsigned(victim.id, 'None'))), status: 401 },
    {
      name: 'a token signed with another key',
      send: () => {
        const otherKey = randomBytes(32).toString('hex');
        return me(bearer(forge.signed(forge.claims(victim.id), otherKey)));
      },
      status: 401,
    },
    {
      name: 'HS512 with the right key (algorithm swap)',
      send: () => me(bearer(forge.signed(forge.claims(victim.id), SECRET, 'HS512'))),
      status: 401,
    },
    { name: 'RS256 (algorithm swap)', send: () => me(bearer(forge.rs256(victim.id))), status: 401 },
    {
      name: 'a token expired 2 minutes ago',
      send: () => me(bearer(forge.valid(victim.id, { exp: forge.nowS() - 120 }))),
      status: 401,
    },
    {
      name: 'a token expired 10 s ago, inside the 30 s clock-skew allowance',
      send: () => me(bearer(forge.valid(victim.id, { exp: forge.nowS() - 10 }))),
      status: 200,
    },
    {
      name: 'a token not valid before 2 minutes from now',
      send: () => me(bearer(forge.valid(victim.id, { nbf: forge.nowS() + 120 }))),
      status: 401,
    },
    {
      name: 'a token without exp',
      send: () => me(bearer(forge.signed({ ...forge.claims(victim.id), exp: undefined }))),
      status: 401,
    },
    {
      name: 'a wrong issuer',
      send: () => me(bearer(forge.valid(victim.id, { iss: 'evil' }))),
      status: 401,
    },
    {
      name: 'a wrong audience',
      send: () => me(bearer(forge.valid(victim.id, { aud: 'other-api' }))),
      status: 401,
    },
    {
      name: 'no issuer at all',
      send: () => me(bearer(forge.signed({ ...forge.claims(victim.id), iss: undefined }))),
      status: 401,
    },
    {
      name: 'SQL in the subject of a validly signed token',
      send: () => me(bearer(forge.valid("' OR 1=1 --"))),
      status: 401,
    },
    {
      name: 'a validly signed token of a user that does not exist',
      send: () => me(bearer(forge.valid(unknownUser))),
      status: 401,
    },
    {
      name: 'a refresh token as access token',
      send: () => me(bearer(victim.refreshToken)),
      status: 401,
    },
    { name: '8 KiB of garbage as token', send: () => me(bearer('a'.repeat(8192))), status: 401 },
  ]);
});

describe('Authorization headers', () => {
  const duplicate = (first: string, second: string) =>
    [
      'GET /auth/me HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: ${first}`,
      `Authorization: ${second}`,
      'Connection: close',
      '',
      '',
    ].join('\r\n');

  hostile([
    { name: 'missing', send: () => me(), status: 401, code: 'invalid_token' },
    { name: 'empty', send: () => me(''), status: 401 },
    { name: 'Basic scheme', send: () => me('Basic dmljdGltOnB3'), status: 401 },
    { name: 'Bearer without token', send: () => me('Bearer'), status: 401 },
    { name: 'Bearer with two tokens', send: () => me('Bearer a b'), status: 401 },
    {
      name: 'two credentials joined by a comma',
      send: () => me(`${bearer(victim.accessToken)}, ${bearer(victim.accessToken)}`),
      status: 401,
    },
    {
      name: 'lower-case scheme (RFC 7235: case-insensitive)',
      send: () => me(`bearer ${victim.accessToken}`),
      status: 200,
    },
    {
      name: 'two Authorization headers, both valid',
      send: () => {
        const header = bearer(victim.accessToken);
        return rawCall(replica.url, duplicate(header, header));
      },
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'two Authorization headers, a forged one first',
      send: () => {
        const forged = bearer(forge.unsigned(victim.id));
        return rawCall(replica.url, duplicate(forged, bearer(victim.accessToken)));
      },
      status: 400,
    },
    {
      name: 'a 20 KiB Authorization header',
      send: () => rawCall(replica.url, duplicate(bearer('a'.repeat(20_000)), 'x')),
      status: 431,
    },
  ]);
});

/** A request with a chunked body, as a proxy or a streaming client sends it. */
function chunked(path: string, body: string): string {
  const chunks = body.match(/[\s\S]{1,1024}/g) ?? [];
  const encoded = chunks.map((chunk) => `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`);
  const head = [`POST ${path} HTTP/1.1`, 'Host: x', 'Content-Type: application/json',
    'Transfer-Encoding: chunked', 'Connection: close'];
  return `${head.join('\r\n')}\r\n\r\n${encoded.join('')}0\r\n\r\n`;
}

describe('bodies of the wrong shape, size or type', () => {
  const signup = (body: unknown) => post('/auth/signup', body);
  const json = { 'content-type': 'application/json' };
  hostile([
    {
      name: 'malformed JSON',
      send: () => api('POST', '/auth/signup', { raw: '{"email": "a@b.co",', headers: json }),
      status: 400,
      code: 'malformed_json',
    },
    {
      name: 'a 1 MiB body',
      send: () => signup({ email: 'big@example.com', password: 'p'.repeat(1 << 20) }),
      status: 413,
      code: 'body_too_large',
    },
    {
      name: 'a body 1 byte over 16 KiB',
      send: () => api('POST', '/auth/login', {
        raw: `{"email":"${'a'.repeat(16 * 1024 - 11)}"}`,
        headers: json,
      }),
      status: 413,
    },
    {
      name: 'text/plain',
      send: () => api('POST', '/auth/signup', { raw: JSON.stringify(VICTIM) }),
      status: 415,
    },
    {
      name: 'a gzip body',
      send: () => api('POST', '/auth/login', {
        raw: gzipSync(JSON.stringify(VICTIM)),
        headers: { ...json, 'content-encoding': 'gzip' },
      }),
      status: 415,
    },
    {
      name: 'a chunked body of 20 KiB (no Content-Length)',
      send: () => rawCall(replica.url, chunked('/auth/login', `{"email":"${'a'.repeat(20_000)}"}`)),
      status: 413,
    },
    {
      name: 'Content-Length and Transfer-Encoding together (smuggling)',
      send: () => rawCall(replica.url, [
        'POST /auth/signup HTTP/1.1', 'Host: x', 'Content-Type: application/json',
        'Content-Length: 4', 'Transfer-Encoding: chunked', 'Connection: close', '', '0', '', '',
      ].join('\r\n')),
      status: 400,
      code: 'bad_request',
    },
    {
      name: 'a latin1 charset',
      send: () => api('POST', '/auth/login', {
        raw: JSON.stringify(VICTIM),
        headers: { 'content-type': 'application/json; charset=latin1' },
      }),
      status: 415,
    },
    {
      name: 'an email nested 5000 arrays deep',
      send: () => api('POST', '/auth/login', {
        raw: `{"email":${'['.repeat(5000)}${']'.repeat(5000)},"password":"x"}`,
        headers: json,
      }),
      status: 400,
      code: 'invalid_body',
    },
    { name: 'no body', send: () => api('POST', '/auth/login'), status: 400 },
    {
      name: 'an empty JSON body',
      send: () => api('POST', '/auth/login', { raw: '', headers: json }),
      status: 400,
    },
    { name: 'a top-level array', send: () => signup([VICTIM]), status: 400, code: 'invalid_body' },
    { name: 'a top-level string', send: () => signup('victim@example.com'), status: 400 },
    { name: 'a top-level null', send: () => signup(null), status: 400 },
    {
      name: 'email as a number',
      send: () => signup({ email: 42, password: PASSWORD }),
      status: 400,
    },
    {
      name: 'email as an array',
      send: () => signup({ email: ['a@b.co'], password: PASSWORD }),
      status: 400,
    },
    {
      name: 'email as an object',
      send: () => signup({ email: { $ne: null }, password: PASSWORD }),
      status: 400,
    },
    {
      name: 'email null',
      send: () => signup({ email: null, password: PASSWORD }),
      status: 400,
    },
    {
      name: 'password as a number',
      send: () => signup({ email: 'n@example.com', password: 12345678 }),
      status: 400,
    },
    {
      name: 'password true',
      send: () => login(VICTIM.email, true as unknown as string),
      status: 400,
    },
    {
      name: 'displayName null',
      send: () => signup({ email: 'n@example.com', password: PASSWORD, displayName: null }),
      status: 400,
    },
    {
      name: 'an unknown field (role)',
      send: () => signup({ email: 'n@example.com', password: PASSWORD, role: 'admin' }),
      status: 400,
    },
    {
      name: 'a __proto__ field',
      send: () => api('POST', '/auth/signup', {
        raw: '{"email":"n@example.com","password":"long-enough-1","__proto__":{"admin":true}}',
        headers: json,
      }),
      status: 400,
    },
    {
      name: 'refreshToken as a number',
      send: () => post('/auth/refresh', { refreshToken: 7 }),
      status: 400,
    },
    {
      name: 'refreshToken as an object',
      send: () => post('/auth/refresh', { refreshToken: {} }),
      status: 400,
    },
    { name: 'refreshToken missing on logout', send: () => post('/auth/logout', {}), status: 400 },
  ]);
});

describe('SQL metacharacters and very long strings', () => {
  const long = 'x'.repeat(10_000);
  const signup = (fields: Record<string, unknown>) =>
    post('/auth/signup', { password: PASSWORD, ...fields });
  hostile([
    {
      name: "signup with the email ' OR '1'='1' --",
      send: () => post('/auth/signup', { email: "' OR '1'='1' --", password: PASSWORD }),
      status: 400,
      code: 'invalid_email',
    },
    {
      name: "signup with a valid email full of quotes: x'or'1'='1@example.com",
      send: () => signup({ email: "x'or'1'='1@example.com" }),
      status: 201,
      change: { users: 1 },
    },
    {
      name: 'signup with a display name that drops the table',
      send: () => post('/auth/signup', {
        email: 'bobby@example.com',
        password: PASSWORD,
        displayName: "Robert'); DROP TABLE users;--",
      }),
      status: 201,
      change: { users: 1 },
    },
    { name: "login as ' OR 1=1 --", send: () => login("' OR 1=1 --", "' OR 1=1 --"), status: 401 },
    {
      name: "login as victim@example.com'--",
      send: () => login(`${VICTIM.email}'--`, 'x'),
      status: 401,
    },
    {
      name: 'login with a 10 000-character email',
      send: () => login(long, VICTIM.password),
      status: 401,
    },
    {
      name: 'login with a 10 000-character password',
      send: () => login(VICTIM.email, long),
      status: 401,
    },
    {
      name: 'signup with a 10 000-character email',
      send: () => post('/auth/signup', { email: `${long}@example.com`, password: PASSWORD }),
      status: 400,
      code: 'invalid_email',
    },
    {
      name: 'signup with a 65-byte local part',
      send: () => signup({ email: `${'a'.repeat(65)}@example.com` }),
      status: 400,
    },
    {
      name: 'signup with a 10 000-character password',
      send: () => post('/auth/signup', { email: 'longpw@example.com', password: long }),
      status: 400,
      code: 'invalid_password',
    },
    {
      name: 'signup with a 10 000-character display name',
      send: () => signup({ email: 'longname@example.com', displayName: long }),
      status: 400,
      code: 'invalid_display_name',
    },
    {
      name: 'signup with a NUL in the display name',
      send: () => signup({ email: 'nul@example.com', displayName: 'a\u0000b' }),
      status: 400,
    },
    {
      name: 'signup with a bidi override in the display name',
      send: () => signup({ email: 'bidi@example.com', displayName: 'a\u202Egpj.exe' }),
      status: 400,
    },
    {
      name: 'refresh with a 10 000-character token',
      send: () => post('/auth/refresh', { refreshToken: long }),
      status: 401,
    },
    {
      name: "refresh with the token ' OR 1=1 --",
      send: () => post('/auth/refresh', { refreshToken: "' OR 1=1 --" }),
      status: 401,
      code: 'invalid_refresh_token',
    },
    {
      name: 'refresh with a Redis glob as token',
      send: () => post('/auth/refresh', { refreshToken: '*' }),
      status: 401,
    },
    {
      name: 'refresh with a well-formed but unknown token',
      send: () => post('/auth/refresh', { refreshToken: randomBytes(32).toString('base64url') }),
      status: 401,
    },
  ]);

  it('stores the quoted email and the display name verbatim, and the table survives', async () => {
    const { rows } = await db.query(
      'SELECT email, display_name FROM users WHERE email_normalized IN ($1, $2) ORDER BY email',
      ["x'or'1'='1@example.com", 'bobby@example.com'],
    );
    assert.deepEqual(rows, [
      { email: 'bobby@example.com', display_name: "Robert'); DROP TABLE users;--" },
      { email: "x'or'1'='1@example.com", display_name: null },
    ]);
  });
});

describe('duplicate accounts by case, spaces and Unicode form', () => {
  const nfc = 'jos\u00e9@example.com';
  const nfd = 'jose\u0301@example.com';
  const signup = (email: string) => post('/auth/signup', { email, password: PASSWORD });
  hostile([
    {
      name: 'the victim in other case',
      send: () => signup('Victim@EXAMPLE.com'),
      status: 409,
      code: 'email_taken',
    },
    {
      name: 'the victim with spaces around',
      send: () => signup(`  ${VICTIM.email}\t`),
      status: 409,
    },
    {
      name: 'the victim with no-break spaces around',
      send: () => signup(`\u00a0${VICTIM.email}\u00a0`),
      status: 409,
    },
    { name: 'josé in NFC, first', send: () => signup(nfc), status: 201, change: { users: 1 } },
    { name: 'josé in NFD, second', send: () => signup(nfd), status: 409 },
    { name: 'JOSÉ in NFD upper case', send: () => signup('JOSE\u0301@EXAMPLE.COM'), status: 409 },
    {
      name: 'the victim in fullwidth letters',
      send: () => signup('ｖｉｃｔｉｍ@example.com'),
      status: 400,
      code: 'invalid_email',
    },
    {
      name: 'the victim with a zero-width space',
      send: () => signup('vic\u200btim@example.com'),
      status: 400,
    },
    {
      name: 'the victim with a Cyrillic і (a homoglyph, a different address)',
      send: () => signup('v\u0456ctim@example.com'),
      status: 201,
      change: { users: 1 },
    },
  ]);

  it('logs the victim in with its email in other case and with spaces', async () => {
    assert.equal((await login(' VICTIM@Example.COM ', VICTIM.password)).status, 200);
  });

  it('logs the NFC account in with the NFD spelling of its email', async () => {
    assert.equal((await login(nfd, PASSWORD)).status, 200);
  });
});

describe('passwords at the 72-byte bcrypt limit', () => {
  const euro72 = '€'.repeat(24);
  const emoji72 = '😀'.repeat(18);
  const nfdE72 = 'e\u0301'.repeat(36); // 108 bytes as typed, 72 once NFC
  const signup = (email: string, password: string) => post('/auth/signup', { email, password });
  hostile([
    {
      name: '24 × € (72 bytes)',
      send: () => signup('euro@example.com', euro72),
      status: 201,
      change: { users: 1 },
    },
    {
      name: '24 × € + a (73 bytes)',
      send: () => signup('euro73@example.com', `${euro72}a`),
      status: 400,
      code: 'invalid_password',
    },
    {
      name: '18 emoji (72 bytes)',
      send: () => signup('emoji@example.com', emoji72),
      status: 201,
      change: { users: 1 },
    },
    {
      name: '19 emoji (76 bytes)',
      send: () => signup('emoji76@example.com', `${emoji72}😀`),
      status: 400,
    },
    {
      name: '36 × é in NFD (72 bytes once NFC)',
      send: () => signup('nfd@example.com', nfdE72),
      status: 201,
      change: { users: 1 },
    },
    { name: '7 characters', send: () => signup('short@example.com', 'abcdefg'), status: 400 },
    {
      name: 'a lone surrogate',
      send: () => signup('surrogate@example.com', 'abcdefgh\ud800'),
      status: 400,
    },
    {
      name: 'login with the 72-byte password plus one byte (bcrypt would truncate)',
      send: () => login('euro@example.com', `${euro72}x`),
      status: 401,
      code: 'invalid_credentials',
    },
    {
      name: 'login with the exact 72-byte password',
      send: () => login('euro@example.com', euro72),
      status: 200,
      change: { keys: 2 },
    },
    {
      name: 'login with the NFC spelling of an NFD password',
      send: () => login('nfd@example.com', nfdE72.normalize('NFC')),
      status: 200,
      change: { keys: 2 },
    },
  ]);
});

describe('routes and methods', () => {
  hostile([
    { name: 'GET /admin', send: () => api('GET', '/admin'), status: 404, code: 'not_found' },
    { name: 'POST /auth/delete', send: () => post('/auth/delete', VICTIM), status: 404 },
    {
      name: 'GET /auth/login',
      send: () => api('GET', '/auth/login'),
      status: 405,
      code: 'method_not_allowed',
    },
    { name: 'DELETE /auth/me', send: () => api('DELETE', '/auth/me'), status: 405 },
    {
      name: 'PUT /auth/signup',
      send: () => api('PUT', '/auth/signup', { json: VICTIM }),
      status: 405,
    },
    {
      name: 'a path that climbs out (raw)',
      send: () => rawCall(replica.url, [
        'GET /auth/../../etc/passwd HTTP/1.1', 'Host: x', 'Connection: close', '', '',
      ].join('\r\n')),
      status: 404,
    },
  ]);

  it('names the allowed methods on a 405', async () => {
    assert.equal((await api('GET', '/auth/login')).headers.get('allow'), 'POST');
  });
});

describe('login', () => {
  it('answers an unknown email and a wrong password alike, after one compare each', async () => {
    const comparesBefore = await bcryptCompares();
    const unknown = await login('nobody@example.com', VICTIM.password);
    const wrong = await login(VICTIM.email, 'wrong-password-1');
    const malformed = await login('not an email', 'wrong-password-1');

    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.deepEqual(malformed.body, unknown.body);
    assert.equal(await bcryptCompares(), comparesBefore + 3);
  });

  it('marks token answers as not cacheable', async () => {
    const reply = await login(VICTIM.email, VICTIM.password);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    assert.equal(reply.body.expiresIn, 900);
  });
});

describe('refresh rotation', () => {
  const families = async () => (await redis.keys('authlab:rf:*')).length;

  it('rotates: the new token works and the old one stops', async () => {
    const first = (await login(VICTIM.email, VICTIM.password)).body.refreshToken;
    const second = await refresh(first);
    assert.equal(second.status, 200);
    assert.equal((await me(bearer(second.body.accessToken))).status, 200);

    const third = await refresh(second.body.refreshToken);
    assert.equal(third.status, 200);
    assert.notEqual(third.body.refreshToken, second.body.refreshToken);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const r1 = (await login(VICTIM.email, VICTIM.password)).body.refreshToken;
    const r2 = (await refresh(r1)).body.refreshToken;
    const r3 = (await refresh(r2)).body.refreshToken;
    const familiesBefore = await families();

    assert.equal((await refresh(r1)).status, 401);
    assert.equal(await families(), familiesBefore - 1);
    assert.equal((await refresh(r3)).status, 401, 'the newest token dies with its family');
    assert.match(replica.output(), /"event":"refresh_token_reused"/);
  });

  it('lets exactly one of 8 concurrent refreshes with one token succeed', async () => {
    const token = (await login(VICTIM.email, VICTIM.password)).body.refreshToken;
    const replies = await Promise.all(Array.from({ length: 8 }, () => refresh(token)));
    const statuses = replies.map((reply) => reply.status).sort();
    assert.deepEqual(statuses, [200, 401, 401, 401, 401, 401, 401, 401]);

    // The losers looked like reuse of a rotated token, so the family is revoked: a client
    // that races itself must log in again. Strict on purpose; see routes-auth.ts.
    const winner = replies.find((reply) => reply.status === 200);
    assert.equal((await refresh(winner?.body.refreshToken)).status, 401);
  });

  it('logout revokes the family, and is idempotent', async () => {
    const tokens = (await login(VICTIM.email, VICTIM.password)).body;
    const rotated = (await refresh(tokens.refreshToken)).body.refreshToken;

    assert.equal((await post('/auth/logout', { refreshToken: tokens.refreshToken })).status, 204);
    assert.equal((await refresh(rotated)).status, 401);
    assert.equal((await post('/auth/logout', { refreshToken: rotated })).status, 204);
    assert.equal((await post('/auth/logout', { refreshToken: 'unknown' })).status, 204);
  });

  it('refuses the tokens of a deleted account', async () => {
    const email = `gone-${randomUUID()}@example.com`;
    await post('/auth/signup', { email, password: PASSWORD });
    const tokens = (await login(email, PASSWORD)).body;
    await db.query('DELETE FROM users WHERE email = $1', [email]);

    assert.equal((await me(bearer(tokens.accessToken))).status, 401);
    assert.equal((await refresh(tokens.refreshToken)).status, 401);
  });
});

describe('metrics', () => {
  it('labels every series with the replica', async () => {
    const text = (await api('GET', '/metrics')).body as string;
    const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.ok(series.length > 50);
    for (const line of series) assert.match(line, /replica="auth-e2e"/, line);

    for (const name of [
      'authlab_http_request_duration_seconds_bucket',
      'authlab_bcrypt_duration_seconds_count',
      'authlab_pg_pool_connections',
      'authlab_redis_errors_total',
      'process_cpu_user_seconds_total',
    ]) {
      assert.ok(series.some((line) => line.startsWith(name)), `${name} is exported`);
    }
    assert.ok(text.includes('route="unmatched"'), 'unknown paths share one label');
  });
});

async function waitUntilReady(component: string): Promise<void> {
  const deadlineMs = Date.now() + 10_000;
  while ((await api('GET', '/readyz')).status !== 200) {
    assert.ok(Date.now() < deadlineMs, `ready again within 10 s of ${component} returning`);
    await sleep(100);
  }
}

describe('a Redis outage', () => {
  it('answers 503 where Redis is needed and recovers by itself when it returns', async () => {
    const tokens = (await login(VICTIM.email, VICTIM.password)).body;
    const usersBefore = (await stored()).users;
    await stack.stopComponent('redis');
    try {
      const down = await login(VICTIM.email, VICTIM.password);
      assert.equal(down.status, 503);
      assert.equal(down.body.error.code, 'unavailable');
      assert.equal(down.headers.get('retry-after'), '1');
      assert.equal((await refresh(tokens.refreshToken)).status, 503);
      assert.equal((await post('/auth/logout', { refreshToken: tokens.refreshToken })).status, 503);
      assert.equal((await api('GET', '/readyz')).status, 503);
      assert.equal((await api('GET', '/healthz')).status, 200);
      assert.equal((await me(bearer(tokens.accessToken))).status, 200, 'me needs Postgres only');
      const { rows } = await db.query('SELECT count(*)::int AS n FROM users');
      assert.equal(rows[0].n, usersBefore);
    } finally {
      await stack.startComponent('redis');
    }

    await waitUntilReady('Redis');
    assert.equal((await login(VICTIM.email, VICTIM.password)).status, 200);
    assert.match(replica.output(), /"event":"dependency_down","dependency":"redis"/);
    assert.match(replica.output(), /"event":"dependency_up","dependency":"redis"/);
  });
});

describe('a Postgres outage', () => {
  it('answers 503 without spending the refresh token, and recovers by itself', async () => {
    const tokens = (await login(VICTIM.email, VICTIM.password)).body;
    const keysBefore = await redis.dbsize();
    await db.end();
    await stack.stopComponent('postgres');
    try {
      const signup = await post('/auth/signup', { email: 'pg@example.com', password: PASSWORD });
      assert.equal(signup.status, 503);
      assert.equal(signup.body.error.code, 'unavailable');
      assert.equal((await login(VICTIM.email, VICTIM.password)).status, 503);
      assert.equal((await me(bearer(tokens.accessToken))).status, 503);
      assert.equal((await refresh(tokens.refreshToken)).status, 503);
      assert.equal((await api('GET', '/readyz')).status, 503);
      assert.equal((await api('GET', '/healthz')).status, 200);
      assert.equal(await redis.dbsize(), keysBefore);
    } finally {
      await stack.startComponent('postgres');
      db = new pg.Client({ connectionString: stack.pgUrl });
      await db.connect();
    }

    await waitUntilReady('Postgres');
    const refreshed = await post('/auth/refresh', { refreshToken: tokens.refreshToken });
    assert.equal(refreshed.status, 200, 'the token refused with 503 was not spent');
    assert.equal((await me(bearer(tokens.accessToken))).status, 200);
    assert.match(replica.output(), /"event":"dependency_down","dependency":"postgres"/);
    assert.match(replica.output(), /"event":"dependency_up","dependency":"postgres"/);
  });
});

describe('SIGTERM', () => {
  it('finishes a request in flight, refuses new connections and exits 0', async () => {
    const slow = await startAuthReplica({
      pgUrl: stack.pgUrl,
      redisUrl: stack.redisUrl,
      jwtSecret: SECRET,
      replica: 'auth-slow',
      env: { AUTHLAB_STALL_MS: '1500' },
    });
    const inFlight = call(slow.url, 'GET', '/auth/me', {
      headers: { authorization: bearer(victim.accessToken) },
    });
    await sleep(300);
    const exit = slow.stop('SIGTERM');
    await sleep(100);

    await assert.rejects(fetch(`${slow.url}/healthz`), 'no new connections while draining');
    const reply = await inFlight;
    assert.equal(reply.status, 200);
    assert.equal(reply.body.id, victim.id);
    assert.equal(await exit, 0);
    assert.match(slow.output(), /"event":"fault_injection","route":"\/auth\/me","stallMs":1500/);
    assert.match(slow.output(), /"event":"shutdown_complete"/);
  });
});

describe('bad configuration', () => {
  const good = {
    AUTHLAB_REPLICA: 'auth-bad',
    AUTHLAB_HTTP_PORT: '1',
    AUTHLAB_PG_URL: 'postgres://u:p@127.0.0.1:1/db',
    AUTHLAB_REDIS_URL: 'redis://:p@127.0.0.1:1/0',
    AUTHLAB_JWT_SECRET: SECRET,
  };
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a bcrypt cost of 3', { AUTHLAB_BCRYPT_COST: '3' }, /AUTHLAB_BCRYPT_COST/],
    ['a 31-byte JWT secret', { AUTHLAB_JWT_SECRET: 'x'.repeat(31) }, /at least 32 bytes/],
    ['a port of "80a"', { AUTHLAB_HTTP_PORT: '80a' }, /AUTHLAB_HTTP_PORT/],
    ['a mysql URL', { AUTHLAB_PG_URL: 'mysql://u:p@h/db' }, /AUTHLAB_PG_URL/],
  ];
  for (const [name, env, message] of cases) {
    it(`exits 2 with one line on stderr for ${name}`, async () => {
      const { code, stderr } = await runAuthMain({ ...good, ...env }).exit;
      assert.equal(code, 2);
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr, message);
    });
  }
});
