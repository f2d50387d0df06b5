import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseEvent, type ParsedEvent } from '../../src/services/profile/event-parse.js';

const ID = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const KEY = JSON.stringify({ id: ID });

const ROW = {
  id: ID,
  email: 'Ada@Example.com',
  email_normalized: 'ada@example.com',
  password_hash: '$2b$10$abcdefghijklmnopqrstuv',
  display_name: 'Ada',
  created_at: '2026-12-04T15:00:00.123456Z',
  updated_at: '2026-12-04T15:00:01.5Z',
};

const SOURCE = {
  version: '3.6.1.Final',
  connector: 'postgresql',
  name: 'authlab',
  ts_ms: 1796396400123,
  ts_us: 1796396400123456,
  ts_ns: 1796396400123456000,
  snapshot: 'false',
  db: 'authlab',
  sequence: '["24023000","24023128"]',
  schema: 'public',
  table: 'users',
  txId: 771,
  lsn: 24023128,
  xmin: null,
};

function envelope(overrides: Record<string, unknown>): string {
  return JSON.stringify({
    before: null,
    after: ROW,
    source: SOURCE,
    transaction: null,
    op: 'c',
    ts_ms: 1796396400200,
    ts_us: 1796396400200321,
    ts_ns: 1796396400200321000,
    ...overrides,
  });
}

interface Case {
  name: string;
  key: string | null;
  value: string | Buffer | null;
  expect: ParsedEvent['kind'];
  check?: (parsed: ParsedEvent) => void;
}

function change(parsed: ParsedEvent) {
  assert.equal(parsed.kind, 'change');
  return (parsed as Extract<ParsedEvent, { kind: 'change' }>).change;
}

const CASES: Case[] = [
  {
    name: 'a create becomes a change carrying the row, its WAL position and both clocks',
    key: KEY,
    value: Buffer.from(envelope({})),
    expect: 'change',
    check: (parsed) => {
      const c = change(parsed);
      assert.equal(c.userId, ID);
      assert.equal(c.op, 'c');
      assert.deepEqual(c.profile, {
        email: 'Ada@Example.com',
        displayName: 'Ada',
        createdAt: new Date('2026-12-04T15:00:00.123Z'),
        updatedAt: new Date('2026-12-04T15:00:01.500Z'),
      });
      assert.equal(c.lsn, 24023128);
      assert.equal(c.txId, 771);
      assert.equal(c.sourceTsMs, 1796396400123);
      assert.equal(c.sourceTsUs, 1796396400123456);
      assert.equal(c.dbzTsMs, 1796396400200);
      assert.equal(c.dbzTsUs, 1796396400200321);
    },
  },
  {
    name: 'a change never carries the password hash',
    key: KEY,
    value: envelope({}),
    expect: 'change',
    check: (parsed) => assert.doesNotMatch(JSON.stringify(change(parsed)), /password|\$2b\$/),
  },
  {
    name: 'an update with a null display name keeps it null',
    key: KEY,
    value: envelope({ op: 'u', after: { ...ROW, display_name: null } }),
    expect: 'change',
    check: (parsed) => {
      assert.equal(change(parsed).op, 'u');
      assert.equal(change(parsed).profile?.displayName, null);
    },
  },
  {
    name: 'a delete takes the id from before and has no profile',
    key: KEY,
    value: envelope({
      op: 'd',
      before: { ...ROW, email: null, display_name: null, password_hash: null },
      after: null,
    }),
    expect: 'change',
    check: (parsed) => {
      assert.equal(change(parsed).op, 'd');
      assert.equal(change(parsed).userId, ID);
      assert.equal(change(parsed).profile, null);
    },
  },
  {
    name: 'a snapshot read is a change with op r',
    key: KEY,
    value: envelope({ op: 'r', source: { ...SOURCE, snapshot: 'true' } }),
    expect: 'change',
    check: (parsed) => assert.equal(change(parsed).op, 'r'),
  },
  {
    name: 'an upper-case uuid is stored lower-case so one user has one document',
    key: JSON.stringify({ id: ID.toUpperCase() }),
    value: envelope({ after: { ...ROW, id: ID.toUpperCase() } }),
    expect: 'change',
    check: (parsed) => assert.equal(change(parsed).userId, ID),
  },
  {
    name: 'a source without ts_us falls back to ts_ms in microseconds',
    key: KEY,
    value: envelope({ source: { ...SOURCE, ts_us: undefined, ts_ns: undefined } }),
    expect: 'change',
    check: (parsed) => assert.equal(change(parsed).sourceTsUs, 1796396400123000),
  },
  {
    name: 'a schemas-enabled envelope is unwrapped',
    key: JSON.stringify({ schema: {}, payload: { id: ID } }),
    value: JSON.stringify({ schema: {}, payload: JSON.parse(envelope({})) }),
    expect: 'change',
  },
  {
    name: 'a null key is tolerated',
    key: null,
    value: envelope({}),
    expect: 'change',
  },
  { name: 'a tombstone is ignored', key: KEY, value: null, expect: 'ignored' },
  { name: 'an empty value is a tombstone', key: KEY, value: '', expect: 'ignored' },
  {
    name: 'a heartbeat is ignored',
    key: JSON.stringify({ serverName: 'authlab' }),
    value: JSON.stringify({ ts_ms: 1796396400000 }),
    expect: 'ignored',
  },
  {
    name: 'a truncate is ignored',
    key: null,
    value: envelope({ op: 't', after: null }),
    expect: 'ignored',
  },
  { name: 'a value that is not JSON is malformed', key: KEY, value: '{"op":', expect: 'malformed' },
  { name: 'a JSON array is malformed', key: KEY, value: '[1,2]', expect: 'malformed' },
  {
    name: 'an unknown op is malformed',
    key: KEY,
    value: envelope({ op: 'x' }),
    expect: 'malformed',
  },
  {
    name: 'a create without after is malformed',
    key: KEY,
    value: envelope({ after: null }),
    expect: 'malformed',
  },
  {
    name: 'a row id that is not a uuid is malformed',
    key: JSON.stringify({ id: 42 }),
    value: envelope({ after: { ...ROW, id: 42 } }),
    expect: 'malformed',
  },
  {
    name: 'a key naming another user is malformed',
    key: JSON.stringify({ id: '00000000-0000-4000-8000-000000000000' }),
    value: envelope({}),
    expect: 'malformed',
  },
  {
    name: 'a missing lsn is malformed: the change could not be ordered',
    key: KEY,
    value: envelope({ source: { ...SOURCE, lsn: null } }),
    expect: 'malformed',
  },
  {
    name: 'an lsn sent as a string is malformed',
    key: KEY,
    value: envelope({ source: { ...SOURCE, lsn: '24023128' } }),
    expect: 'malformed',
  },
  {
    name: 'created_at as epoch micros (not ZonedTimestamp) is malformed',
    key: KEY,
    value: envelope({ after: { ...ROW, created_at: 1796396400123456 } }),
    expect: 'malformed',
  },
  {
    name: 'an unparsable updated_at is malformed',
    key: KEY,
    value: envelope({ after: { ...ROW, updated_at: '2026-13-45T99:00:00Z' } }),
    expect: 'malformed',
  },
  {
    name: 'an empty email is malformed',
    key: KEY,
    value: envelope({ after: { ...ROW, email: '' } }),
    expect: 'malformed',
  },
  {
    name: 'an event of another table is malformed',
    key: KEY,
    value: envelope({ source: { ...SOURCE, table: 'sessions' } }),
    expect: 'malformed',
  },
];

describe('parseEvent', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const parsed = parseEvent(testCase.key, testCase.value);
      assert.equal(parsed.kind, testCase.expect, JSON.stringify(parsed));
      testCase.check?.(parsed);
    });
  }

  it('a malformed event says what is wrong', () => {
    const parsed = parseEvent(KEY, envelope({ source: { ...SOURCE, lsn: null } }));
    assert.deepEqual(parsed, {
      kind: 'malformed',
      reason: 'source.lsn must be a non-negative integer, got null',
    });
  });
});
