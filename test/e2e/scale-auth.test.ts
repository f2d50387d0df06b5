/**
 * Scaling the auth service under traffic: a bounded stream of requests goes through Nginx
 * while auth scales 1 -> 3 -> 1. No request may fail, the replicas that answer must be the
 * ones running, and Prometheus must scrape exactly those.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';

import { activeTargets } from '../../src/lab/prometheus-client.js';
import { createTestLab, type TestLab } from '../support/cli.js';

interface Stream {
  stop(): Promise<{ ok: number; failures: string[]; upstreams: Set<string>; retries: number }>;
}

/**
 * A GET on a kept-alive connection that the server closes at that very moment (as Nginx's old
 * workers do with idle connections after a reload) fails before anything was received. HTTP
 * clients retry an idempotent request once in that case (RFC 9112, section 9.3.1), and so does
 * this stream; such retries are counted, and a request fails only if its retry fails too.
 */
async function getWithReuseRetry(url: string, token: string, onRetry: () => void) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request(url, { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 2 || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw error;
      onRetry();
    }
  }
}

/** Requests in a loop, 4 at a time, until stopped or bounded by count and time. */
function startStream(url: string, token: string): Stream {
  const maxRequests = 50_000;
  const deadline = Date.now() + 240_000;
  let stopped = false;
  let sent = 0;
  let ok = 0;
  let retries = 0;
  const failures: string[] = [];
  const upstreams = new Set<string>();

  const worker = async () => {
    while (!stopped && sent < maxRequests && Date.now() < deadline) {
      sent += 1;
      try {
        const response = await getWithReuseRetry(`${url}/auth/me`, token, () => { retries += 1; });
        await response.body.text();
        if (response.statusCode === 200) ok += 1;
        else failures.push(`HTTP ${response.statusCode}`);
        upstreams.add(String(response.headers['x-authlab-upstream']));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const workers = Promise.all([worker(), worker(), worker(), worker()]);
  return {
    async stop() {
      stopped = true;
      await workers;
      return { ok, failures, upstreams, retries };
    },
  };
}

async function answeringUpstreams(url: string, token: string, requests: number) {
  const seen = new Set<string>();
  for (let i = 0; i < requests; i += 1) {
    const response = await request(`${url}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    await response.body.text();
    assert.equal(response.statusCode, 200);
    seen.add(String(response.headers['x-authlab-upstream']));
  }
  return [...seen].sort();
}

async function scrapedReplicas(prometheusUrl: string, expected: string[]) {
  // File discovery plus one scrape interval (2 s); allow a few for a loaded machine.
  const deadline = Date.now() + 20_000;
  let current: string[] = [];
  while (Date.now() < deadline) {
    const targets = await activeTargets(prometheusUrl);
    current = targets.filter((t) => t.health === 'up').map((t) => t.replica).sort();
    if (targets.length === expected.length && JSON.stringify(current) === JSON.stringify(expected)) {
      return current;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return current;
}

describe('scale auth under traffic through nginx', { timeout: 600_000 }, () => {
  let lab: TestLab;
  let nginxUrl: string;
  let prometheusUrl: string;
  let token: string;
  const authPort = (replica: number) => `127.0.0.1:${lab.portBase + 20 + replica - 1}`;

  before(async () => {
    lab = await createTestLab('scale');
    nginxUrl = `http://127.0.0.1:${lab.portBase + 6}`;
    prometheusUrl = `http://127.0.0.1:${lab.portBase + 7}`;
    const up = await lab.run(['up', '--only', 'nginx,prometheus']);
    assert.equal(up.exitCode, 0, up.stderr);

    const credentials = { email: 'scaler@lab.invalid', password: 'correct horse battery' };
    const signup = await request(`${nginxUrl}/auth/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    assert.equal(signup.statusCode, 201, await signup.body.text());
    const login = await request(`${nginxUrl}/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    token = ((await login.body.json()) as { accessToken: string }).accessToken;
  });

  after(async () => {
    await lab.dispose();
  });

  test('1 -> 3 -> 1 fails no request and routes only to running replicas', async () => {
    const stream = startStream(nginxUrl, token);

    const up = await lab.run(['scale', 'auth=3']);
    assert.equal(up.exitCode, 0, up.stderr);
    assert.deepEqual(await answeringUpstreams(nginxUrl, token, 30),
      [authPort(1), authPort(2), authPort(3)]);
    assert.deepEqual(await scrapedReplicas(prometheusUrl, ['auth-1', 'auth-2', 'auth-3']),
      ['auth-1', 'auth-2', 'auth-3']);

    const down = await lab.run(['scale', 'auth=1']);
    assert.equal(down.exitCode, 0, down.stderr);
    assert.deepEqual(await answeringUpstreams(nginxUrl, token, 20), [authPort(1)]);
    assert.deepEqual(await scrapedReplicas(prometheusUrl, ['auth-1']), ['auth-1']);

    const result = await stream.stop();
    assert.deepEqual(result.failures, [], 'no request failed while scaling');
    assert.ok(result.ok > 100, `the stream kept going (${result.ok} requests)`);
    console.log(`# stream: ${result.ok} requests ok, ${result.retries} retried once after ` +
      'a kept-alive connection closed during a reload');
    for (const upstream of result.upstreams) {
      assert.ok([authPort(1), authPort(2), authPort(3)].includes(upstream),
        `${upstream} is one of the lab's auth replicas`);
    }
  });

  for (const [args, code, reason] of [
    [['scale', 'auth=0'], 2, /auth replicas must be at least 1, got 0/],
    [['scale', 'auth=-1'], 2, /auth replicas must be at least 1, got -1/],
    [['scale', 'auth=abc'], 2, /auth replicas must be a whole number, got "abc"/],
    [['scale', 'auth=1000'], 2, /auth replicas must be at most 32, got 1000/],
    [['scale', 'nope=2'], 2, /cannot scale "nope"; scalable services: auth, profile/],
    [['scale', 'auth'], 2, /"auth" is not service=count/],
    [['scale', 'auth=2', 'nope=1'], 2, /cannot scale "nope"/],
  ] as const) {
    test(`bad input: scale ${args.slice(1).join(' ')} exits ${code} and changes nothing`, async () => {
      const before = await lab.run(['status', '--json']);
      const result = await lab.run([...args]);
      assert.equal(result.exitCode, code);
      assert.match(result.stderr, reason);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      const after = await lab.run(['status', '--json']);
      const ids = (out: string) => (JSON.parse(out) as { replicas: Array<{ id: string; pid: number }> })
        .replicas.map((r) => `${r.id}:${r.pid}`).sort();
      assert.deepEqual(ids(after.stdout), ids(before.stdout));
    });
  }

  test('scale with no lab running exits 1', async () => {
    const empty = await createTestLab('scale-empty');
    const result = await empty.run(['scale', 'auth=2']);
    await empty.dispose();
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /no lab is running/);
  });
});
