/**
 * How `up` fails: a port held by another process, a component that dies at start, and a
 * user's Ctrl-C. Each must exit with the right status, say why, and leave no process behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';

import { isOurProcessAlive } from '../../src/runtime/local/process-supervisor.js';
import type { LabState } from '../../src/runtime/lab-state.js';
import { createTestLab, type TestLab } from '../support/cli.js';

function replicasOf(lab: TestLab): LabState['replicas'] {
  const path = join(lab.labDir, 'state.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as LabState).replicas : {};
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('up when things go wrong', { timeout: 600_000 }, () => {
  let lab: TestLab;

  before(async () => {
    lab = await createTestLab('failures');
  });

  after(async () => {
    await lab.dispose();
  });

  test('a port held by another process: exit 1 naming the port, nothing started', async () => {
    const redisPort = lab.portBase + 1;
    const squatter = await listen(redisPort);
    try {
      const result = await lab.run(['up', '--only', 'redis']);
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, new RegExp(`port ${redisPort} \\(for redis\\) is already in use`));
      assert.deepEqual(replicasOf(lab), {});
    } finally {
      squatter.close();
    }
  });

  test('a component that dies at start: exit 1 with the tail of its log', async () => {
    const first = await lab.run(['up', '--only', 'kafka']);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal((await lab.run(['down'])).exitCode, 0);

    // Storage that claims another node id than the config: Kafka refuses to start.
    const meta = join(lab.labDir, 'data', 'kafka', 'meta.properties');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace(/node\.id=.*/, 'node.id=7'));
    const result = await lab.run(['up', '--only', 'kafka']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /kafka failed to start: .*the process exited/);
    assert.match(result.stderr, /last lines of .*kafka\.log/);
    assert.match(result.stderr, /stored node id 7/i);
    assert.equal((await lab.run(['down', '--purge'])).exitCode, 0);
  });

  test('Ctrl-C during up stops what it started and exits 130', async () => {
    const bin = fileURLToPath(new URL('../../../bin/authlab.js', import.meta.url));
    const child = execa(process.execPath, [bin, 'up', '--only', 'kafka,redis'], {
      env: lab.env, reject: false, stdin: 'ignore',
    });
    // Interrupt once Kafka's process exists but before it can be ready (it needs seconds).
    let exited = false;
    void child.then(() => { exited = true; });
    const deadline = Date.now() + 60_000;
    while (!replicasOf(lab).kafka && !exited && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const launched = replicasOf(lab);
    assert.ok(launched.kafka, 'kafka was launched before the interrupt');
    child.kill('SIGINT');
    const result = await child;

    assert.equal(result.exitCode, 130, String(result.stderr));
    assert.match(String(result.stderr), /interrupted/);
    for (const record of Object.values(launched)) {
      assert.equal(isOurProcessAlive(record.pid, record.pidStartTicks), false,
        `${record.id} was stopped`);
    }
    assert.deepEqual(replicasOf(lab), {});
  });
});
