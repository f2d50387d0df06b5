/**
 * The replication-lag watchers against a real FerretDB (a lab started with `--only mongo`):
 * the storage watcher sees exactly the documents inserted after it started, with the stamps
 * they carry and a time after their insert was sent; it remembers documents that showed up
 * before anyone waited for them; it fails with a clear error instead of waiting forever. The
 * wire watcher sees the same documents.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MongoClient, type Collection, type Document } from 'mongodb';

import { loadConfig } from '../../src/config/lab-config.js';
import { LabError } from '../../src/errors.js';
import { systemClock } from '../../src/measure/clock.js';
import { StorageWatcher } from '../../src/measure/storage-watcher.js';
import { WireWatcher } from '../../src/measure/wire-watcher.js';
import { visibilityBinary } from '../../src/runtime/local/installed-tools.js';
import { ferretDbFile } from '../../src/runtime/local/services/mongo.js';
import { PORT_OFFSETS } from '../../src/stack/ports.js';
import { createTestLab, type TestLab } from '../support/cli.js';

const DATABASE = 'watchertest';
const COLLECTION = 'docs';

function stamps(i: number) {
  return {
    sourceTsMs: 1000 + i, dbzTsMs: 2000 + i, kafkaTsMs: 3000 + i,
    consumedAtMs: 4000.25 + i, writtenAtMs: 5000.5 + i, replica: `profile-${i}`,
  };
}

describe('visibility watchers on a real FerretDB', { timeout: 300_000 }, () => {
  let lab: TestLab;
  let mongo: MongoClient;
  let docs: Collection<Document>;
  let program: string;
  let databaseFile: string;

  const storageWatcher = (collection = COLLECTION, startTimeoutMs?: number) =>
    new StorageWatcher({
      program, databaseFile, collection, pollIntervalMs: 1, clock: systemClock, startTimeoutMs,
    });

  before(async () => {
    lab = await createTestLab('watcher');
    const up = await lab.run(['up', '--only', 'mongo']);
    assert.equal(up.exitCode, 0, up.stderr);

    const config = loadConfig({ env: lab.env });
    program = visibilityBinary(config.cacheDir);
    databaseFile = ferretDbFile(join(lab.labDir, 'data'), DATABASE);
    mongo = new MongoClient(`mongodb://127.0.0.1:${lab.portBase + PORT_OFFSETS.mongo}/`);
    await mongo.connect();
    docs = mongo.db(DATABASE).collection(COLLECTION);
    // Documents from before the watcher starts: it must never report them.
    await docs.insertMany([{ _id: 'old-1' } as Document, { _id: 'old-2' } as Document]);
  });

  after(async () => {
    await mongo?.close();
    await lab.dispose();
  });

  test('the storage watcher reports each new document once, with its stamps', async () => {
    const watcher = storageWatcher();
    await watcher.start();
    try {
      watcher.watch('old-1');
      const sentAt = new Map<string, number>();
      for (let i = 0; i < 40; i += 1) {
        const id = `new-${i}`;
        watcher.watch(id);
        sentAt.set(id, systemClock.nowMs());
        await docs.insertOne({ _id: id, cdc: stamps(i) } as Document);
      }

      assert.equal(await watcher.drain(10_000), false, 'old-1 is still pending: never reported');
      assert.equal(watcher.pendingCount, 1);
      assert.equal(watcher.sightings.has('old-1'), false);
      assert.equal(watcher.sightings.size, 40);
      for (let i = 0; i < 40; i += 1) {
        const sighting = watcher.sightings.get(`new-${i}`);
        assert.ok(sighting, `new-${i} was seen`);
        assert.deepEqual(sighting.cdc, stamps(i));
        assert.ok(sighting.tVisibleMs >= (sentAt.get(`new-${i}`) as number),
          `new-${i} seen at ${sighting.tVisibleMs}, before its insert was sent`);
      }
    } finally {
      await watcher.stop();
    }

    const stats = watcher.stats();
    assert.equal(stats.kind, 'storage');
    assert.equal(stats.queryErrors, 0);
    assert.ok(stats.polls > 0 && stats.cycleMs.count > 0, 'poll timings were reported');
    assert.ok(stats.cpuMs !== null && stats.cpuMs !== undefined && stats.cpuMs >= 0);
    assert.ok((stats.wallMs ?? 0) > 0);
    assert.equal(watcher.failure, null, 'a requested stop is not a failure');
  });

  test('a document seen before it is awaited is kept for the writer that asks late', async () => {
    const watcher = storageWatcher();
    await watcher.start();
    try {
      const sentMs = systemClock.nowMs();
      await docs.insertOne({ _id: 'early-1', cdc: stamps(1) } as Document);
      // Give the watcher time to report it before anyone waits for it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      watcher.watch('early-1');
      assert.equal(watcher.pendingCount, 0);
      const sighting = watcher.sightings.get('early-1');
      assert.ok(sighting && sighting.tVisibleMs >= sentMs);
    } finally {
      await watcher.stop();
    }
  });

  test('the wire watcher sees the same documents', async () => {
    const watcher = new WireWatcher(docs, { pollIntervalMs: 1, clock: systemClock });
    await watcher.start();
    try {
      for (let i = 0; i < 10; i += 1) {
        watcher.watch(`wire-${i}`);
        await docs.insertOne({ _id: `wire-${i}`, cdc: stamps(i) } as Document);
      }
      assert.equal(await watcher.drain(10_000), true);
      assert.deepEqual(watcher.sightings.get('wire-3')?.cdc, stamps(3));
    } finally {
      await watcher.stop();
    }
    assert.equal(watcher.stats().kind, 'wire');
  });

  test('a collection that never appears fails start with a timeout', async () => {
    const watcher = storageWatcher('no_such_collection', 500);
    await assert.rejects(watcher.start(), (error: unknown) =>
      error instanceof LabError && error.code === 'TIMEOUT' &&
      /no_such_collection/.test(error.message));
  });

  test('a missing program fails start and says to install', async () => {
    const watcher = new StorageWatcher({
      program: join(lab.labDir, 'no-such-program'), databaseFile, collection: COLLECTION,
      pollIntervalMs: 1, clock: systemClock,
    });
    await assert.rejects(watcher.start(), (error: unknown) =>
      error instanceof LabError && error.code === 'COMPONENT_FAILED' &&
      /authlab install/.test(error.message));
  });
});
