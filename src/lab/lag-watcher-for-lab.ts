/**
 * Which replication-lag watcher a lab gets: the storage watcher where the lab's FerretDB
 * files are at hand (local runtime), the wire watcher otherwise or when asked for.
 */
import type { MongoClient } from 'mongodb';

import { badInput } from '../errors.js';
import { timerClock } from '../measure/clock.js';
import { StorageWatcher } from '../measure/storage-watcher.js';
import type { VisibilityWatcher, WatcherKind } from '../measure/visibility-watcher.js';
import { WireWatcher } from '../measure/wire-watcher.js';
import { visibilityBinary } from '../runtime/local/installed-tools.js';
import { ferretDbFile } from '../runtime/local/services/mongo.js';
import { MONGO_DATABASE, PROFILES_COLLECTION } from '../stack/endpoints.js';
import type { RunningLab } from './running-lab.js';

export const WATCHER_CHOICES = ['auto', 'storage', 'wire'] as const;
export type WatcherChoice = (typeof WATCHER_CHOICES)[number];

export function watcherKindFor(lab: RunningLab, choice: WatcherChoice): WatcherKind {
  const local = lab.state.runtime === 'local';
  if (choice === 'storage' && !local) {
    throw badInput('--watcher storage reads FerretDB\'s files and needs the local runtime; ' +
      'use --watcher wire');
  }
  if (choice === 'auto') return local ? 'storage' : 'wire';
  return choice;
}

/** MongoDB's "collection already exists". */
const NAMESPACE_EXISTS = 48;

/**
 * Creates the profiles collection unless it exists. A fresh lab has none until the profile
 * service writes its first document, and the storage watcher must start (take its starting
 * row) before the first write it is to see.
 */
async function ensureProfilesCollection(mongo: MongoClient): Promise<void> {
  try {
    await mongo.db(MONGO_DATABASE).createCollection(PROFILES_COLLECTION);
  } catch (error) {
    if ((error as { code?: unknown }).code !== NAMESPACE_EXISTS) throw error;
  }
}

export async function lagWatcherFor(lab: RunningLab, choice: WatcherChoice, mongo: MongoClient,
  pollIntervalMs: number): Promise<VisibilityWatcher> {
  if (watcherKindFor(lab, choice) === 'wire') {
    return new WireWatcher(mongo.db(MONGO_DATABASE).collection(PROFILES_COLLECTION),
      { pollIntervalMs, clock: timerClock });
  }
  await ensureProfilesCollection(mongo);
  return new StorageWatcher({
    program: visibilityBinary(lab.config.cacheDir),
    databaseFile: ferretDbFile(lab.context.dirs.data, MONGO_DATABASE),
    collection: PROFILES_COLLECTION,
    pollIntervalMs,
    clock: timerClock,
  });
}
