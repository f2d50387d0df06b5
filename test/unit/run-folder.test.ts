import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRunFolder, hostInfo, listRuns, readRunInfo, readSummaryJson, resolveRun,
  runFolderName, writeRunInfo, writeSummaryJson, type RunInfo,
} from '../../src/report/run-folder.js';

async function withResults(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'authlab-results-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sampleRunInfo(): RunInfo {
  return {
    experiment: 'replication-lag',
    parameters: { rateHz: 50, count: 1000, watcherPollMs: 5 },
    runtime: 'local',
    versions: { postgres: '17.5', debezium: '3.6.1.Final' },
    host: hostInfo(),
    gitCommit: null,
    startedAt: '2025-06-01T10:20:30.000Z',
    endedAt: '2025-06-01T10:21:00.000Z',
  };
}

test('a run folder is named by UTC second and experiment', () => {
  const at = new Date('2025-06-01T10:20:30.456Z');
  assert.equal(runFolderName('replication-lag', at), '20250601T102030Z_replication-lag');
  for (const bad of ['Replication', 'a b', '../x', 'x_y', '']) {
    assert.throws(() => runFolderName(bad, at), { code: 'BAD_INPUT' }, bad);
  }
});

test('two runs in the same second get distinct folders, listed newest first', async () => {
  await withResults(async (dir) => {
    const early = new Date('2025-06-01T10:00:00Z');
    const late = new Date('2025-06-02T10:00:00Z');
    await createRunFolder(dir, 'replication-lag', late);
    const second = await createRunFolder(dir, 'replication-lag', late);
    await createRunFolder(dir, 'login-load', early);
    await mkdir(join(dir, 'not-a-run'));
    await writeFile(join(dir, '.gitkeep'), '');

    assert.equal(second.name, '20250602T100000Z_replication-lag_2');
    const names = (await listRuns(dir)).map((run) => run.name);
    assert.deepEqual(names, [
      '20250602T100000Z_replication-lag_2',
      '20250602T100000Z_replication-lag',
      '20250601T100000Z_login-load',
    ]);
  });
});

test('a run resolves as latest, by folder name or by path', async () => {
  await withResults(async (dir) => {
    const old = await createRunFolder(dir, 'a', new Date('2025-01-01T00:00:00Z'));
    const newest = await createRunFolder(dir, 'b', new Date('2025-02-01T00:00:00Z'));
    // Newer still, but cut short before it wrote a summary: latest passes it over.
    await createRunFolder(dir, 'c', new Date('2025-03-01T00:00:00Z'));
    await writeSummaryJson(old.path, { count: 0 });
    await writeSummaryJson(newest.path, { count: 0 });

    assert.equal((await resolveRun(dir)).name, newest.name);
    assert.equal((await resolveRun(dir, 'latest')).name, newest.name);
    assert.equal((await resolveRun(dir, old.name)).path, old.path);
    assert.equal((await resolveRun('/nowhere', old.path)).name, old.name);
    assert.equal((await resolveRun(dir, old.path)).experiment, 'a');
  });
});

test('resolving a run that is not there says what exists', async () => {
  await withResults(async (dir) => {
    await assert.rejects(resolveRun(dir), { code: 'NO_RUNS' });
    await assert.rejects(resolveRun(join(dir, 'missing')), { code: 'NO_RUNS' });
    const run = await createRunFolder(dir, 'a', new Date('2025-01-01T00:00:00Z'));
    await assert.rejects(resolveRun(dir, 'nope'), {
      code: 'BAD_INPUT',
      message: new RegExp(`no run "nope".*${run.name}`),
    });
  });
});

test('run.json and summary.json round-trip as pretty JSON', async () => {
  await withResults(async (dir) => {
    const folder = await createRunFolder(dir, 'replication-lag');
    const run = sampleRunInfo();
    await writeRunInfo(folder.path, run);
    await writeSummaryJson(folder.path, { count: 3 });

    assert.deepEqual(await readRunInfo(folder.path), run);
    assert.deepEqual(await readSummaryJson(folder.path), { count: 3 });
    const text = await readFile(join(folder.path, 'run.json'), 'utf8');
    assert.match(text, /^\{\n {2}"experiment": "replication-lag",/);
  });
});

test('a broken run.json is refused with the file and field named', async () => {
  await withResults(async (dir) => {
    const folder = await createRunFolder(dir, 'replication-lag');
    await writeFile(join(folder.path, 'run.json'), JSON.stringify({ ...sampleRunInfo(), host: 1 }));
    await assert.rejects(readRunInfo(folder.path), { code: 'BAD_INPUT', message: /field host/ });
    await writeFile(join(folder.path, 'run.json'), '{ not json');
    await assert.rejects(readRunInfo(folder.path), { code: 'BAD_INPUT', message: /valid JSON/ });
    await assert.rejects(readSummaryJson(folder.path), { code: 'BAD_INPUT', message: /read/ });
  });
});
