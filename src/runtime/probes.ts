/**
 * Single-attempt readiness probes. Each resolves when the thing answers for real (a query,
 * a PING, a metadata call, an HTTP status) and throws otherwise; waitUntil retries them.
 */
import { get as httpGet } from 'node:http';
import { connect as netConnect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { Redis } from 'ioredis';
import { request } from 'undici';

const ATTEMPT_TIMEOUT_MS = 3000;

export function tcpOpen(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ port, host });
    socket.setTimeout(ATTEMPT_TIMEOUT_MS);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    });
    socket.once('error', (error) => reject(error));
  });
}

export async function httpOk(url: string): Promise<unknown> {
  const response = await request(url, {
    headersTimeout: ATTEMPT_TIMEOUT_MS,
    bodyTimeout: ATTEMPT_TIMEOUT_MS,
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new Error(`GET ${url} answered ${response.statusCode}: ${text.slice(0, 200)}`);
  }
  const type = String(response.headers['content-type'] ?? '');
  return type.includes('json') && text ? JSON.parse(text) : text;
}

/** GET on a new connection of its own (never a pooled one), for the body as text. */
export function httpTextFresh(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false, timeout: ATTEMPT_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => {
        if (response.statusCode === 200) resolve(body);
        else reject(new Error(`GET ${url} answered ${response.statusCode}`));
      });
    });
    request.once('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.once('error', reject);
  });
}

/** A 2xx answer, whatever the body (Prometheus and nginx answer plain text). */
export async function httpAnswers(url: string): Promise<void> {
  const response = await request(url, {
    headersTimeout: ATTEMPT_TIMEOUT_MS,
    bodyTimeout: ATTEMPT_TIMEOUT_MS,
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new Error(`GET ${url} answered ${response.statusCode}: ${text.slice(0, 200)}`);
  }
}

export async function postgresAnswers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function redisPongs(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: ATTEMPT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const answer = await redis.ping();
    if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
  } finally {
    redis.disconnect();
  }
}

export async function kafkaMetadata(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'authlab-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: ATTEMPT_TIMEOUT_MS,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function mongoPings(url: string): Promise<void> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: ATTEMPT_TIMEOUT_MS,
    connectTimeoutMS: ATTEMPT_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

export interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: Array<{ id: number; state: string; trace?: string }>;
}

/** Resolves when the connector and every task are RUNNING; a FAILED one throws with its trace. */
export async function connectorRunning(connectUrl: string, name: string): Promise<void> {
  const status = (await httpOk(`${connectUrl}/connectors/${name}/status`)) as ConnectorStatus;
  const failed = [status.connector, ...status.tasks].find((part) => part.state === 'FAILED');
  if (failed) {
    const trace = (failed.trace ?? '').split('\n').slice(0, 3).join(' | ');
    throw new Error(`connector ${name} FAILED: ${trace}`);
  }
  if (status.connector.state !== 'RUNNING') {
    throw new Error(`connector ${name} is ${status.connector.state}`);
  }
  if (status.tasks.length === 0 || status.tasks.some((task) => task.state !== 'RUNNING')) {
    throw new Error(`connector ${name} tasks: ${status.tasks.map((t) => t.state).join(',') || 'none'}`);
  }
}
