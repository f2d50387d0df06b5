#!/usr/bin/env node
// Runs the compiled tests with Node's own test runner, in one run so it prints one summary.
// Usage: node scripts/run-tests.mjs [unit|e2e|all] (default all).
// Files run one at a time: each end-to-end file boots a real stack and the machine has
// two cores; unit files are quick either way.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const which = process.argv[2] ?? 'all';
const root = new URL('../dist/test/', import.meta.url).pathname;

function testFiles(folder) {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => join(dir, name))
    .sort();
}

const files = [
  ...(which === 'unit' || which === 'all' ? testFiles('unit') : []),
  ...(which === 'e2e' || which === 'all' ? testFiles('e2e') : []),
];
if (files.length === 0) {
  console.error(`no compiled tests under ${root}; run \`npm run build\` first`);
  process.exit(1);
}

const args = ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
