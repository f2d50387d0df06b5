import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { MongoClient, type Collection } from 'mongodb';

import { ProfileWriter, isFerretDb } from '../../src/services/profile/apply-change.js';
import type { ChangeOp } from '../../src/services/profile/event-parse.js';
import type {
  ProfileDocument,
  ProfileWrite,
} from '../../src/services/profile/profile-document.js';
import { startFerretDb, type RunningFerretDb } from '../support/ferretdb.js';

let ferret: RunningFerretDb;
let client: MongoClient;

before(async () => {
  ferret = await startFerretDb();
  client = new MongoClient(ferret.url, { maxPoolSize: 8, retryWrites: false });
  await client.connect();
});

after(async () => {
  await client?.close();
  await ferret?.stop();
});

let clockMs = 1_800_000_000_000;
const nowMs = () => (clockMs += 0.25);

function write(userId: string, op: ChangeOp, lsn: number, name = `v${lsn}`): ProfileWrite {
  const sourceTsUs = 1_796_396_400_000_000 + lsn;
  return {
    change: {
      userId,
      op,
      profile: op === 'd' ? null : {
        email: `${name}@example.com`,
        displayName: name,
        createdAt: new Date('2026-12-04T15:00:00.000Z'),
        updatedAt: new Date(1_796_396_400_000 + lsn),
      },
      lsn,
      txId: 700 + lsn,
      sourceTsMs: Math.floor(sourceTsUs / 1000),
      sourceTsUs,
      dbzTsMs: Math.floor(sourceTsUs / 1000) + 5,
      dbzTsUs: sourceTsUs + 5000,
    },
    kafka: { partition: 0, offset: lsn, kafkaTsMs: Math.floor(sourceTsUs / 1000) + 7 },
    consumedAtMs: nowMs(),
  };
}

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

it('the test server is detected as FerretDB', async () => {
  assert.equal(await isFerretDb(client.db('detect')), true);
});

// The service picks the strategy from the server; on FerretDB both must keep the guarantees.
for (const server of ['ferretdb', 'mongodb'] as const) {
  describe(`ProfileWriter (server: ${server})`, () => {
    let profiles: Collection<ProfileDocument>;
    let writer: ProfileWriter;

    before(() => {
      profiles = client.db(`apply_${server}_${Date.now()}`).collection('profiles');
      writer = new ProfileWriter(profiles, {
        replica: 'profile-test',
        server,
        concurrency: 4,
        nowMs,
      });
    });

    it('stores the documented document and never the password hash', async () => {
      const id = randomUUID();
      const created = write(id, 'c', 100, 'ada');
      assert.deepEqual(await writer.applyRound([created]), [
        { outcome: 'applied', writtenAtMs: clockMs },
      ]);

      const doc = await profiles.findOne({ _id: id });
      assert.deepEqual(doc, {
        _id: id,
        email: 'ada@example.com',
        displayName: 'ada',
        createdAt: new Date('2026-12-04T15:00:00.000Z'),
        updatedAt: new Date(1_796_396_400_100),
        deleted: false,
        cdc: {
          lsn: 100,
          txId: 800,
          op: 'c',
          sourceTsMs: 1_796_396_400_000,
          sourceTsUs: 1_796_396_400_000_100,
          dbzTsMs: 1_796_396_400_005,
          dbzTsUs: 1_796_396_400_005_100,
          kafkaTsMs: 1_796_396_400_007,
          consumedAtMs: created.consumedAtMs,
          writtenAtMs: clockMs,
          replica: 'profile-test',
          partition: 0,
          offset: 100,
        },
      });
      assert.ok(doc.cdc.writtenAtMs > doc.cdc.consumedAtMs);
      assert.doesNotMatch(JSON.stringify(doc), /password/i);
    });

    it('a create replayed 5 times leaves one document with the first content', async () => {
      const id = randomUUID();
      const created = write(id, 'c', 100);
      const outcomes: string[] = [];
      let first: ProfileDocument | null = null;

      for (let i = 0; i < 5; i++) {
        const [result] = await writer.applyRound([created]);
        outcomes.push(result?.outcome ?? 'none');
        first ??= await profiles.findOne({ _id: id });
      }

      assert.deepEqual(outcomes, ['applied', 'stale', 'stale', 'stale', 'stale']);
      assert.equal(await profiles.countDocuments({ _id: id }), 1);
      assert.deepEqual(await profiles.findOne({ _id: id }), first);
    });

    it('an update replayed 5 times is applied once', async () => {
      const id = randomUUID();
      await writer.applyRound([write(id, 'c', 100)]);
      const updated = write(id, 'u', 200);
      const outcomes = [];
      for (let i = 0; i < 5; i++) outcomes.push((await writer.apply(updated)).outcome);

      assert.deepEqual(outcomes, ['applied', 'stale', 'stale', 'stale', 'stale']);
      assert.equal((await profiles.findOne({ _id: id }))?.email, 'v200@example.com');
    });

    it('an update at LSN 200 then a late create at LSN 100 leaves it at 200', async () => {
      const id = randomUUID();
      const [updated] = await writer.applyRound([write(id, 'u', 200)]);
      const [created] = await writer.applyRound([write(id, 'c', 100)]);

      assert.equal(updated?.outcome, 'applied');
      assert.equal(created?.outcome, 'stale');
      const doc = await profiles.findOne({ _id: id });
      assert.equal(doc?.cdc.lsn, 200);
      assert.equal(doc?.email, 'v200@example.com');
    });

    it('equal LSNs are ordered by commit ts_us', async () => {
      const id = randomUUID();
      const older = write(id, 'u', 300, 'older');
      const newer = write(id, 'u', 300, 'newer');
      newer.change.sourceTsUs += 1;

      await writer.apply(newer);
      assert.equal((await writer.apply(older)).outcome, 'stale');
      assert.equal((await profiles.findOne({ _id: id }))?.displayName, 'newer');
    });

    it('a delete leaves a tombstone that late updates and creates do not revive', async () => {
      const id = randomUUID();
      await writer.applyRound([write(id, 'c', 100)]);
      await writer.applyRound([write(id, 'd', 300)]);
      const late = await writer.applyRound([write(id, 'u', 250)]);
      const lateCreate = await writer.applyRound([write(id, 'c', 100)]);

      assert.deepEqual([late[0]?.outcome, lateCreate[0]?.outcome], ['stale', 'stale']);
      const doc = await profiles.findOne({ _id: id });
      assert.equal(doc?.deleted, true);
      assert.equal(doc?.cdc.op, 'd');
      assert.equal(doc?.cdc.lsn, 300);
      assert.deepEqual(
        [doc?.email, doc?.displayName, doc?.createdAt, doc?.updatedAt],
        [null, null, null, null],
      );
    });

    it('a delete of a user never seen still leaves a tombstone', async () => {
      const id = randomUUID();
      await writer.applyRound([write(id, 'd', 500)]);
      assert.equal((await writer.applyRound([write(id, 'c', 400)]))[0]?.outcome, 'stale');
      assert.equal((await profiles.findOne({ _id: id }))?.deleted, true);
    });

    it('one round mixes new users, known users and replays with the right outcomes', async () => {
      const known = randomUUID();
      const replayed = randomUUID();
      await writer.applyRound([write(known, 'c', 100), write(replayed, 'c', 100)]);
      const fresh = Array.from({ length: 5 }, () => randomUUID());

      const round = [
        ...fresh.map((id) => write(id, 'c', 100)),
        write(known, 'u', 200),
        write(replayed, 'c', 100),
      ];
      const outcomes = (await writer.applyRound(round)).map((r) => r.outcome);

      assert.deepEqual(outcomes, [...fresh.map(() => 'applied'), 'applied', 'stale']);
      assert.equal((await profiles.findOne({ _id: known }))?.cdc.lsn, 200);
    });

    it('a large round of replays, updates and unseen users is right', async () => {
      const known = Array.from({ length: 40 }, () => randomUUID());
      await writer.applyRound(known.map((id) => write(id, 'c', 100)));
      const unseen = Array.from({ length: 5 }, () => randomUUID());

      const round = [
        ...known.slice(0, 20).map((id) => write(id, 'c', 100)),
        ...known.slice(20).map((id) => write(id, 'u', 200)),
        ...unseen.map((id) => write(id, 'u', 200)),
      ];
      const outcomes = (await writer.applyRound(round)).map((r) => r.outcome);

      const expected = [...Array(20).fill('stale'), ...Array(25).fill('applied')];
      assert.deepEqual(outcomes, expected);
      const lsns = await profiles
        .find({ _id: { $in: [...known, ...unseen] } })
        .map((doc) => doc.cdc.lsn)
        .toArray();
      assert.equal(lsns.filter((lsn) => lsn === 200).length, 25);
    });

    it('concurrent appliers on one id never move it backwards', async () => {
      const id = randomUUID();
      const lsns = Array.from({ length: 30 }, (_, i) => 1000 + i * 10);
      const seen: number[] = [];
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          const doc = await profiles.findOne({ _id: id });
          if (doc) seen.push(doc.cdc.lsn);
        }
      })();

      // Half go through single applies, half through one-change rounds, all at once.
      await Promise.all(shuffle(lsns).map((lsn, i) => {
        const op = lsn === 1000 ? 'c' : 'u';
        const change = write(id, op, lsn);
        return i % 2 === 0 ? writer.apply(change) : writer.applyRound([change]);
      }));
      watching = false;
      await watcher;

      const final = await profiles.findOne({ _id: id });
      assert.equal(final?.cdc.lsn, Math.max(...lsns));
      assert.ok(seen.length > 0, 'the watcher saw the document');
      seen.forEach((lsn, i) => assert.ok(i === 0 || lsn >= (seen[i - 1] as number),
        `went back from ${seen[i - 1]} to ${lsn}`));
    });

    it('a round of 300 new users is applied by one insert', async () => {
      let writes = 0;
      const counting = new ProfileWriter(profiles, {
        replica: 'profile-test',
        server,
        concurrency: 4,
        nowMs,
        onWrite: () => writes++,
      });
      const round = Array.from({ length: 300 }, () => write(randomUUID(), 'r', 50));
      const results = await counting.applyRound(round);

      assert.ok(results.every((r) => r.outcome === 'applied'));
      assert.equal(writes, 1);
      assert.equal(await profiles.countDocuments({ 'cdc.op': 'r' }), 300);
    });

    it('rounds of other partitions at the same moment share inserts, each told only its own ' +
      'conflicts', async () => {
      let writes = 0;
      const counting = new ProfileWriter(profiles, {
        replica: 'profile-test', server, concurrency: 4, nowMs, onWrite: () => writes++,
      });
      const known = randomUUID();
      await counting.applyRound([write(known, 'c', 10)]);
      writes = 0;

      // Five partitions' rounds at once; the fourth carries a newer create of a known user.
      const rounds = Array.from({ length: 5 }, (_, r) =>
        Array.from({ length: 10 }, (__, i) =>
          (r === 3 && i === 7 ? write(known, 'c', 20, 'newer') : write(randomUUID(), 'c', 30))));
      const results = await Promise.all(rounds.map((round) => counting.applyRound(round)));

      assert.ok(results.flat().every((r) => r.outcome === 'applied'));
      // One insert goes out alone, the other four join the next; then one read and one
      // replace for the known user. Five separate inserts would make at least 7 writes.
      assert.ok(writes <= 4, `${writes} timed writes`);
      const times = new Set(results.slice(1).flat().map((r) => (r as { writtenAtMs: number })
        .writtenAtMs));
      assert.ok(times.size <= 2, 'the joined rounds carry the time of their shared insert');
      assert.equal((await profiles.findOne({ _id: known }))?.displayName, 'newer');
      const ids = rounds.flat().map((w) => w.change.userId);
      assert.equal(await profiles.countDocuments({ _id: { $in: ids } }), 50);
    });
  });
}

it('a write to a server that is down fails instead of reporting success', async () => {
  const down = await startFerretDb();
  const shortClient = new MongoClient(down.url, { serverSelectionTimeoutMS: 500 });
  await down.stop();
  const writer = new ProfileWriter(shortClient.db('gone').collection('profiles'), {
    replica: 'profile-test',
    server: 'ferretdb',
    concurrency: 4,
    nowMs,
  });
  try {
    const round = [write(randomUUID(), 'c', 1), write(randomUUID(), 'u', 2)];
    await assert.rejects(writer.applyRound(round));
  } finally {
    await shortClient.close();
  }
});
