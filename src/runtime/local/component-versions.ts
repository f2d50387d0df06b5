/**
 * The versions of every component a run used, read from what is installed (jar names,
 * binaries' own --version), for run.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { stacksDir } from '../../paths.js';
import { postgresBinDir, findOnPath } from './installed-tools.js';

function firstLine(file: string | null, args: string[]): string | null {
  if (!file) return null;
  const result = spawnSync(file, args, { encoding: 'utf8' });
  return result.status === 0 ? (result.stdout.split('\n')[0] ?? '').trim() : null;
}

function jarVersion(cacheDir: string, set: string, prefix: string): string | null {
  const dir = join(cacheDir, 'jars', set);
  if (!existsSync(dir)) return null;
  const jar = readdirSync(dir).find((name) => name.startsWith(prefix) && name.endsWith('.jar'));
  return jar ? jar.slice(prefix.length, -'.jar'.length) : null;
}

/** The FerretDB version is the one the launcher's go.mod pins. */
function ferretDbVersion(): string | null {
  const goMod = join(stacksDir(), 'local', 'ferretdb', 'go.mod');
  if (!existsSync(goMod)) return null;
  const match = /github\.com\/FerretDB\/FerretDB (v[\w.-]+)/.exec(readFileSync(goMod, 'utf8'));
  return match ? `${match[1]} (SQLite backend)` : null;
}

export function componentVersions(cacheDir: string): Record<string, string | null> {
  let postgres: string | null = null;
  try {
    postgres = firstLine(join(postgresBinDir(), 'postgres'), ['--version']);
  } catch {
    postgres = null;
  }
  return {
    postgres,
    redis: firstLine(findOnPath('redis-server'), ['--version']),
    kafka: jarVersion(cacheDir, 'kafka', 'kafka_2.13-'),
    kafkaConnect: jarVersion(cacheDir, 'connect', 'connect-runtime-'),
    debeziumPostgres: jarVersion(cacheDir, 'connect', 'debezium-connector-postgres-'),
    ferretdb: ferretDbVersion(),
    java: (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '').split('\n')[0] ?? null,
    node: process.version,
  };
}
