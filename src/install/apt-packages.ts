/**
 * The Debian packages the local runtime uses. As root they are installed with apt-get;
 * otherwise the exact command is printed for the user to run.
 */
import { execa } from 'execa';

import { LabError } from '../errors.js';
import { outputTail, type Say, type StepResult } from './install-step.js';

// nginx-light is Debian's small build of nginx: the proxy module is all the lab needs.
export const APT_PACKAGES = ['postgresql', 'redis-server', 'nginx-light', 'prometheus'] as const;

async function isInstalled(name: string): Promise<boolean> {
  const result = await execa('dpkg-query', ['-W', '-f=${Status}', name], { reject: false });
  return result.exitCode === 0 && result.stdout.includes('install ok installed');
}

export async function installAptPackages(say: Say): Promise<StepResult> {
  const missing: string[] = [];
  for (const name of APT_PACKAGES) if (!(await isInstalled(name))) missing.push(name);
  if (missing.length === 0) {
    return { step: 'debian packages', outcome: 'already', detail: APT_PACKAGES.join(', ') };
  }

  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    return { step: 'debian packages', outcome: 'manual',
      detail: `not root: run \`sudo apt-get update && sudo ${command}\`` };
  }

  say(`installing Debian packages: ${missing.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await execa('apt-get', ['update'], { reject: false, env });
  if (update.exitCode !== 0) {
    throw new LabError('COMPONENT_FAILED', 'apt-get update failed',
      { details: outputTail(update.stdout, update.stderr) });
  }
  const install = await execa('apt-get', ['install', '-y', '--no-install-recommends', ...missing],
    { reject: false, env });
  if (install.exitCode !== 0) {
    throw new LabError('COMPONENT_FAILED', `\`${command}\` failed`,
      { details: outputTail(install.stdout, install.stderr) });
  }
  return { step: 'debian packages', outcome: 'done', detail: missing.join(', ') };
}
