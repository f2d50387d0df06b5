/**
 * Reads the lab's Prometheus through its HTTP API (undici), so experiments can store the
 * series they need in their run folder next to their own samples.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';

import { LabError } from '../errors.js';

export interface PromSeries {
  metric: Record<string, string>;
  /** [unix seconds, value] pairs; one pair for an instant query. */
  values: Array<[number, number]>;
}

interface PromResponse {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>;
    value?: [number, string]; values?: Array<[number, string]> }> };
}

async function call(baseUrl: string, path: string, params: Record<string, string>) {
  const url = `${baseUrl}${path}?${new URLSearchParams(params)}`;
  let response;
  try {
    response = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  } catch (error) {
    throw new LabError('UNAVAILABLE', `Prometheus at ${baseUrl} does not answer; is the lab up ` +
      'with prometheus?', { cause: error, retriable: true });
  }
  const body = (await response.body.json()) as PromResponse;
  if (body.status !== 'success' || !body.data) {
    throw new LabError('BAD_INPUT', `Prometheus refused ${params.query}: ${body.error ?? 'no data'}`);
  }
  return body.data.result.map((item): PromSeries => ({
    metric: item.metric,
    values: (item.values ?? (item.value ? [item.value] : []))
      .map(([t, v]) => [Number(t), Number(v)] as [number, number]),
  }));
}

export function queryInstant(baseUrl: string, query: string, atS?: number) {
  return call(baseUrl, '/api/v1/query', {
    query, ...(atS === undefined ? {} : { time: String(atS) }),
  });
}

export function queryRange(baseUrl: string, query: string, startS: number, endS: number,
  stepS: number) {
  return call(baseUrl, '/api/v1/query_range', {
    query, start: String(startS), end: String(endS), step: String(stepS),
  });
}

export interface ScrapeTarget {
  replica: string;
  service: string;
  health: 'up' | 'down' | 'unknown';
  scrapeUrl: string;
}

export async function activeTargets(baseUrl: string): Promise<ScrapeTarget[]> {
  const response = await request(`${baseUrl}/api/v1/targets?state=active`);
  const body = (await response.body.json()) as { data: { activeTargets: Array<{
    labels: Record<string, string>; health: ScrapeTarget['health']; scrapeUrl: string }> } };
  return body.data.activeTargets.map((t) => ({
    replica: t.labels.replica ?? '', service: t.labels.service ?? '', health: t.health,
    scrapeUrl: t.scrapeUrl,
  }));
}

/** Stores a range query's result as NDJSON (one line per series) in the run folder. */
export async function saveSeries(runDir: string, name: string, series: PromSeries[]) {
  const path = join(runDir, `prometheus-${name}.ndjson`);
  await writeFile(path, series.map((s) => JSON.stringify(s)).join('\n') + '\n');
  return path;
}

/**
 * Stores the given range queries over [startMs, endMs] in the run folder, one NDJSON file
 * each. Returns the files written and the queries that failed; a run never fails because
 * Prometheus did not answer: its own samples are the measurement.
 */
export async function recordSeries(baseUrl: string, runDir: string,
  queries: Record<string, string>, startMs: number, endMs: number) {
  const written: string[] = [];
  const failed: string[] = [];
  for (const [name, query] of Object.entries(queries)) {
    try {
      const series = await queryRange(baseUrl, query, Math.floor(startMs / 1000) - 5,
        Math.ceil(endMs / 1000) + 5, 1);
      written.push(await saveSeries(runDir, name, series));
    } catch {
      failed.push(name);
    }
  }
  return { written, failed };
}
