/** Redis from Debian's packages: refresh tokens, with a password and an append-only file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { redisPongs } from '../../probes.js';
import { requireOnPath } from '../installed-tools.js';
import { baseEnvironment, type LocalService } from '../local-context.js';

export const redisService: LocalService = {
  service: 'redis',
  replicated: false,
  dependsOn: [],
  stopSignal: 'SIGTERM',
  ports: (ctx) => [ctx.ports.redis],

  async prepare(ctx) {
    const dataDir = join(ctx.dirs.data, 'redis');
    mkdirSync(dataDir, { recursive: true });
    // The password lives in a file, not on the command line where `ps` would show it.
    const lines = [
      `port ${ctx.ports.redis}`,
      'bind 127.0.0.1',
      'protected-mode yes',
      `requirepass ${ctx.secrets.redisPassword}`,
      `dir ${dataDir}`,
      'daemonize no',
      'logfile ""',
      'save ""',
      // Refresh tokens survive a restart of Redis, as they would in production.
      'appendonly yes',
      'appendfsync everysec',
    ];
    writeFileSync(join(ctx.dirs.config, 'redis.conf'), `${lines.join('\n')}\n`, { mode: 0o600 });
  },

  launch: (ctx) => ({
    file: requireOnPath('redis-server', 'run `authlab install`'),
    args: [join(ctx.dirs.config, 'redis.conf')],
    env: baseEnvironment({}),
  }),

  probe: (ctx) => redisPongs(ctx.endpoints.redisUrl),
};
