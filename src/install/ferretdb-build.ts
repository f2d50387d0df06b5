/**
 * FerretDB v1 built with the Go toolchain from the module proxy, through the small launcher
 * in stacks/local/ferretdb (see its main.go for why a launcher).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

import { LabError } from '../errors.js';
import { stacksDir } from '../paths.js';
import { fingerprintFiles, isUpToDate, markUpToDate } from './fingerprint.js';
import { outputTail, type Say, type StepResult } from './install-step.js';

export async function buildFerretDb(cacheDir: string, say: Say): Promise<StepResult> {
  const source = join(stacksDir(), 'local', 'ferretdb');
  const binDir = join(cacheDir, 'bin');
  const inputs = readdirSync(source).filter((f) => f.endsWith('.go') || f.startsWith('go.')).sort();
  const fingerprint = fingerprintFiles(inputs.map((f) => join(source, f)));
  if (isUpToDate(binDir, fingerprint)) {
    return { step: 'ferretdb', outcome: 'already', detail: join(binDir, 'authlab-ferretdb') };
  }

  say('building FerretDB with go (first time: a few minutes)');
  mkdirSync(binDir, { recursive: true });
  const result = await execa('go', ['build', '-o', join(binDir, 'authlab-ferretdb'), '.'], {
    cwd: source,
    reject: false,
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (result.exitCode !== 0) {
    throw new LabError('COMPONENT_FAILED', 'building FerretDB failed',
      { details: outputTail(result.stdout, result.stderr) });
  }
  markUpToDate(binDir, fingerprint);
  return { step: 'ferretdb', outcome: 'done', detail: join(binDir, 'authlab-ferretdb') };
}
