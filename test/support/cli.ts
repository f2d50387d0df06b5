/**
 * Runs the real `authlab` CLI as a child process against a throwaway lab: its own lab
 * folder, results folder and port base, so tests never touch a user's lab.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

import { isPortFree } from '../../src/runtime/local/ports-free.js';
import { PORT_SPAN } from '../../src/stack/ports.js';

const BIN = fileURLToPath(new URL('../../../bin/authlab.js', import.meta.url));

export interface TestLab {
  labDir: string;
  resultsDir: string;
  portBase: number;
  env: NodeJS.ProcessEnv;
  run(args: string[], options?: { timeoutMs?: number }): Promise<CliResult>;
  /** Stops the lab, deletes its data and the test's temporary folder. */
  dispose(): Promise<void>;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A port base whose whole span is free right now, picked at random to spread parallel runs.
 * Bases stay below Linux's ephemeral range (32768 up): there, the kernel hands the lab's own
 * ports to outgoing client connections, and a later bind fails.
 */
export async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 10_000 + Math.floor(Math.random() * 220) * 100;
    const probes = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7, 20, 21, 22, 60, 61, 62].map((offset) => isPortFree(base + offset)));
    if (probes.every(Boolean) && base + PORT_SPAN < 32_768) return base;
  }
  throw new Error('no free port base found for a test lab');
}

export async function createTestLab(name: string): Promise<TestLab> {
  const root = mkdtempSync(join(tmpdir(), `authlab-${name}-`));
  // The lab's Postgres runs as the postgres OS user when tests run as root: let it in.
  chmodSync(root, 0o755);
  const labDir = join(root, 'lab');
  const resultsDir = join(root, 'results');
  const portBase = await freePortBase();
  const env = {
    ...process.env,
    AUTHLAB_LAB_DIR: labDir,
    AUTHLAB_RESULTS_DIR: resultsDir,
    AUTHLAB_PORT_BASE: String(portBase),
    // A lower bcrypt cost keeps API-driven tests quick; it is recorded in every run.
    AUTHLAB_BCRYPT_COST: '4',
  };
  const run = async (args: string[], options: { timeoutMs?: number } = {}) => {
    const result = await execa(process.execPath, [BIN, ...args], {
      env, reject: false, timeout: options.timeoutMs ?? 300_000, stdin: 'ignore',
    });
    return {
      exitCode: result.exitCode ?? -1,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
    };
  };
  return {
    labDir,
    resultsDir,
    portBase,
    env,
    run,
    async dispose() {
      await run(['down', '--purge']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
