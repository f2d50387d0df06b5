/**
 * FerretDB v1 built with the Go toolchain from the module proxy, through the small launcher
 * in stacks/local/ferretdb (see its main.go for why a launcher), and beside it the
 * replication-lag watcher that reads FerretDB's storage (its visibility/ folder).
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
  const inputs = [
    ...goInputs(source),
    ...goInputs(join(source, 'visibility')),
  ];
  const fingerprint = fingerprintFiles(inputs);
  if (isUpToDate(binDir, fingerprint)) {
    return { step: 'ferretdb', outcome: 'already', detail: join(binDir, 'authlab-ferretdb') };
  }

  say('building FerretDB and the visibility watcher with go (a few minutes when the Go ' +
    'modules are not downloaded yet)');
  mkdirSync(binDir, { recursive: true });
  for (const [binary, pkg] of [['authlab-ferretdb', '.'], ['authlab-visibility', './visibility']]) {
    const result = await execa('go', ['build', '-o', join(binDir, binary), pkg], {
      cwd: source,
      reject: false,
      env: { ...process.env, CGO_ENABLED: '0' },
    });
    if (result.exitCode !== 0) {
      throw new LabError('COMPONENT_FAILED', `building ${binary} failed`,
        { details: outputTail(result.stdout, result.stderr) });
    }
  }
  markUpToDate(binDir, fingerprint);
  return { step: 'ferretdb', outcome: 'done', detail: join(binDir, 'authlab-ferretdb') };
}

function goInputs(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.go') || f.startsWith('go.')).sort()
    .map((f) => join(dir, f));
}
