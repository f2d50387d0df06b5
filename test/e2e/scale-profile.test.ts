/**
 * Scaling the profile service while events flow: 1 -> 3 replicas share the Debezium topic's
 * partitions in one consumer group, and every event still lands exactly once.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';

import { consumerGroupLag } from '../../src/lab/consumer-lag.js';
import { PROFILE_GROUP, USERS_TOPIC } from '../../src/stack/endpoints.js';
import { createTestLab, type TestLab } from '../support/cli.js';

async function groupWith(brokers: string[], members: number) {
  const deadline = Date.now() + 90_000;
  let last;
  while (Date.now() < deadline) {
    last = await consumerGroupLag(brokers, PROFILE_GROUP, USERS_TOPIC).catch(() => undefined);
    const assigned = last?.members.flatMap((m) => m.partitions) ?? [];
    if (last && last.members.length === members && assigned.length === last.partitionCount) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

describe('scale profile while events flow', { timeout: 900_000 }, () => {
  let lab: TestLab;
  let brokers: string[];

  before(async () => {
    lab = await createTestLab('scaleprofile');
    brokers = [`127.0.0.1:${lab.portBase + 2}`];
    const up = await lab.run(['up'], { timeoutMs: 600_000 });
    assert.equal(up.exitCode, 0, up.stderr);
  });

  after(async () => {
    await lab.dispose();
  });

  test('1 -> 3: every partition owned by exactly one replica, every row lands once', async () => {
    const bin = fileURLToPath(new URL('../../../bin/authlab.js', import.meta.url));
    const run = execa(process.execPath, [bin, 'experiment', 'replication-lag', '--count', '400',
      '--rate', '50'], { env: lab.env, reject: false, stdin: 'ignore' });

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const scale = await lab.run(['scale', 'profile=3']);
    assert.equal(scale.exitCode, 0, scale.stderr);
    const result = await run;
    assert.equal(result.exitCode, 0, String(result.stderr));

    const runs = readdirSync(lab.resultsDir).filter((name) => name.includes('_')).sort();
    const summary = JSON.parse(readFileSync(join(lab.resultsDir, runs.at(-1) as string,
      'summary.json'), 'utf8'));
    assert.equal(summary.count, 400);
    assert.equal(summary.seen, 400);
    assert.equal(summary.lost, 0);
    assert.equal(summary.duplicates, 0);

    const group = await groupWith(brokers, 3);
    assert.ok(group, 'the consumer group answered');
    assert.deepEqual(group.members.map((m) => m.clientId).sort(),
      ['authlab-profile-1', 'authlab-profile-2', 'authlab-profile-3']);
    const owned = group.members.flatMap((m) => m.partitions).sort((a, b) => a - b);
    assert.deepEqual(owned, Array.from({ length: group.partitionCount }, (_, i) => i),
      'each partition has exactly one owner');
    assert.equal(group.partitionCount, 8);

    const status = JSON.parse((await lab.run(['status', '--json'])).stdout);
    const profiles = status.replicas.filter((r: { service: string }) => r.service === 'profile');
    assert.equal(profiles.length, 3);
    for (const row of profiles) assert.equal(typeof row.consumerLag, 'number');
  });
});
