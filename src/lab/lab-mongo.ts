/**
 * A Mongo client for the lab's document store that fails fast, with a line saying what to
 * do, when the store is not there: the driver alone waits 30 s and then reports a
 * connection error as if it were a bug.
 */
import { MongoClient } from 'mongodb';

import { describeError, LabError } from '../errors.js';

/** Long enough for a busy FerretDB to answer, short enough to fail a run quickly. */
const SERVER_SELECTION_TIMEOUT_MS = 5000;

export async function connectLabMongo(url: string): Promise<MongoClient> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new LabError('UNAVAILABLE', `the lab's mongo at ${url} does not answer ` +
      `(${describeError(error)}); check \`authlab status\`, \`authlab replica start mongo\` ` +
      'starts it');
  }
}
