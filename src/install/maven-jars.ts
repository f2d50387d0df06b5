/**
 * Kafka, Kafka Connect and the Debezium PostgreSQL connector as jars from Maven Central:
 * `mvn dependency:copy-dependencies` on the poms under stacks/local/jars, one folder each.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

import { LabError } from '../errors.js';
import { stacksDir } from '../paths.js';
import { fingerprintFiles, isUpToDate, markUpToDate } from './fingerprint.js';
import { outputTail, type Say, type StepResult } from './install-step.js';

export const JAR_SETS = ['kafka', 'connect'] as const;

export async function installJarSet(
  cacheDir: string, set: (typeof JAR_SETS)[number], say: Say,
): Promise<StepResult> {
  const pom = join(stacksDir(), 'local', 'jars', set, 'pom.xml');
  const outputDir = join(cacheDir, 'jars', set);
  const fingerprint = fingerprintFiles([pom]);
  if (isUpToDate(outputDir, fingerprint)) {
    return { step: `${set} jars`, outcome: 'already', detail: outputDir };
  }

  say(`fetching the ${set} jars with Maven into ${outputDir} (first time: a minute or two)`);
  // Copy into a fresh folder and swap it in, so a failed download never leaves a mix (and
  // two installs at once never write into one folder).
  const staging = `${outputDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = await execa('mvn', [
    '-B', '-q', '-f', pom, 'dependency:copy-dependencies',
    `-DoutputDirectory=${staging}`, '-DincludeScope=runtime',
  ], { reject: false });
  if (result.exitCode !== 0) {
    throw new LabError('COMPONENT_FAILED', `Maven could not fetch the ${set} jars (${pom})`,
      { details: outputTail(result.stdout, result.stderr) });
  }

  rmSync(outputDir, { recursive: true, force: true });
  renameSync(staging, outputDir);
  markUpToDate(outputDir, fingerprint);
  return { step: `${set} jars`, outcome: 'done', detail: outputDir };
}
