/** FerretDB v1 (MongoDB wire protocol) with its SQLite backend, built by `authlab install`. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { mongoPings } from '../../probes.js';
import { ferretDbBinary } from '../installed-tools.js';
import { baseEnvironment, type LocalService } from '../local-context.js';

function ferretDbDir(dataDir: string): string {
  return join(dataDir, 'mongo');
}

/**
 * The SQLite file in which FerretDB keeps one database (named after it), under the lab's
 * data folder.
 */
export function ferretDbFile(dataDir: string, database: string): string {
  return join(ferretDbDir(dataDir), `${database}.sqlite`);
}

export const mongoService: LocalService = {
  service: 'mongo',
  replicated: false,
  dependsOn: [],
  stopSignal: 'SIGTERM',
  ports: (ctx) => [ctx.ports.mongo],

  async prepare(ctx) {
    mkdirSync(ferretDbDir(ctx.dirs.data), { recursive: true });
  },

  launch: (ctx) => ({
    file: ferretDbBinary(ctx.config.cacheDir),
    args: [
      '--listen-addr', `127.0.0.1:${ctx.ports.mongo}`,
      // FerretDB wants a directory URL ending with a slash.
      '--sqlite-url', `file:${ferretDbDir(ctx.dirs.data)}/`,
      '--log-level', 'warn',
    ],
    env: baseEnvironment({}),
  }),

  probe: (ctx) => mongoPings(ctx.endpoints.mongoUrl),
};
