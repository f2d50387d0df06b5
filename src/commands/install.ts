/** `authlab install`: put every local component in place, idempotently. */
import type { LabConfig } from '../config/lab-config.js';
import { LabError } from '../errors.js';
import { installAptPackages } from '../install/apt-packages.js';
import { buildFerretDb } from '../install/ferretdb-build.js';
import type { StepResult } from '../install/install-step.js';
import { JAR_SETS, installJarSet } from '../install/maven-jars.js';
import { findOnPath } from '../runtime/local/installed-tools.js';

const TOOLS: Array<{ name: string; hint: string }> = [
  { name: 'java', hint: 'install OpenJDK 17 or newer (Debian: openjdk-17-jdk-headless)' },
  { name: 'mvn', hint: 'install Maven (Debian: maven)' },
  { name: 'go', hint: 'install Go 1.24 or newer' },
];

export async function installCommand(config: LabConfig) {
  for (const tool of TOOLS) {
    if (!findOnPath(tool.name)) {
      throw new LabError('MISSING_TOOL', `${tool.name} is not on PATH; ${tool.hint}`);
    }
  }

  const say = (line: string) => process.stderr.write(`[authlab install] ${line}\n`);
  say(`cache folder: ${config.cacheDir}`);
  const results: StepResult[] = [await installAptPackages(say)];
  for (const set of JAR_SETS) results.push(await installJarSet(config.cacheDir, set, say));
  results.push(await buildFerretDb(config.cacheDir, say));

  for (const result of results) {
    const label = { done: 'installed', already: 'up to date', manual: 'TO DO' }[result.outcome];
    process.stdout.write(`${result.step.padEnd(16)} ${label.padEnd(11)} ${result.detail}\n`);
  }
  return results.some((r) => r.outcome === 'manual') ? 1 : 0;
}
