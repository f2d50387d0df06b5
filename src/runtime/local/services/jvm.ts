/** How the lab launches a JVM component: small heap, serial GC, log4j2 to stdout. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { renderTemplate } from '../../../stack/template.js';
import { requireOnPath } from '../installed-tools.js';
import { baseEnvironment, type LocalContext, type LocalLaunch } from '../local-context.js';

export function writeLog4jConfig(ctx: LocalContext): string {
  const path = join(ctx.dirs.config, 'log4j2.properties');
  writeFileSync(path, renderTemplate('log4j2.properties', {}));
  return path;
}

export function javaLaunch(ctx: LocalContext, options: {
  heapMb: number;
  jarsDir: string;
  mainClass: string;
  args: string[];
}): LocalLaunch {
  return {
    file: requireOnPath('java', 'install OpenJDK 17 or newer (Debian: openjdk-17-jre-headless)'),
    args: [
      `-Xms${Math.min(128, options.heapMb)}m`,
      `-Xmx${options.heapMb}m`,
      // Two cores: the serial collector costs the least CPU and starts fastest.
      '-XX:+UseSerialGC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(ctx.dirs.config, 'log4j2.properties')}`,
      '-cp', `${options.jarsDir}/*`,
      options.mainClass,
      ...options.args,
    ],
    env: baseEnvironment({}),
  };
}
