/**
 * Readings from an auth replica's /metrics (Prometheus text): CPU seconds, time spent in
 * bcrypt and requests waiting for a Postgres connection. CPU comes through one function,
 * readCpuSeconds, so it can switch to the lab's Prometheus once that exists.
 */
import { request } from 'undici';

import { LabError, describeError } from '../errors.js';

export interface ReplicaReading {
  /** When the answer arrived, epoch ms. */
  atMs: number;
  cpuSeconds: number;
  /** Time inside bcrypt calls (hash and compare), and how many calls. */
  bcryptSeconds: number;
  bcryptCalls: number;
  /** Requests waiting for a pool connection at that moment (a gauge). */
  pgWaiting: number;
}

const SCRAPE_TIMEOUT_MS = 5_000;

async function scrape(baseUrl: string): Promise<string> {
  try {
    const response = await request(`${baseUrl}/metrics`, {
      headersTimeout: SCRAPE_TIMEOUT_MS, bodyTimeout: SCRAPE_TIMEOUT_MS,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
    return text;
  } catch (error) {
    throw new LabError('UNAVAILABLE', `cannot read ${baseUrl}/metrics: ${describeError(error)}`,
      { cause: error });
  }
}

/** Sum of every sample of `name` whose labels contain `labelFilter` (all when empty). */
export function metricSum(text: string, name: string, labelFilter = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (labelFilter && !rest.includes(labelFilter)) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** CPU seconds (user + system) the replica's process has used since it started. */
export async function readCpuSeconds(baseUrl: string): Promise<number> {
  return metricSum(await scrape(baseUrl), 'process_cpu_seconds_total');
}

export async function readReplica(baseUrl: string): Promise<ReplicaReading> {
  const [cpuSeconds, text] = await Promise.all([readCpuSeconds(baseUrl), scrape(baseUrl)]);
  return {
    atMs: Date.now(),
    cpuSeconds,
    bcryptSeconds: metricSum(text, 'authlab_bcrypt_duration_seconds_sum'),
    bcryptCalls: metricSum(text, 'authlab_bcrypt_duration_seconds_count'),
    pgWaiting: metricSum(text, 'authlab_pg_pool_connections', 'state="waiting"'),
  };
}
