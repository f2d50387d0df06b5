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
  // A paused server accepts TCP connections (the kernel does) and never answers: without a
  // connect timeout the driver's monitor would keep the process alive for 30 s more.
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new LabError('UNAVAILABLE', `the lab's mongo at ${url} does not answer ` +
      `(${describeError(error)}); see \`authlab status\`: \`authlab replica start mongo\` ` +
      'starts a stopped one, `authlab replica resume mongo` a paused one');
  }
}
