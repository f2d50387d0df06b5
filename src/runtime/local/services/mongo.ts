/** FerretDB v1 (MongoDB wire protocol) with its SQLite backend, built by `authlab install`. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { mongoPings } from '../../probes.js';
import { ferretDbBinary } from '../installed-tools.js';
import { baseEnvironment, type LocalService } from '../local-context.js';

export const mongoService: LocalService = {
  service: 'mongo',
  replicated: false,
  dependsOn: [],
  stopSignal: 'SIGTERM',
  ports: (ctx) => [ctx.ports.mongo],

  async prepare(ctx) {
    mkdirSync(join(ctx.dirs.data, 'mongo'), { recursive: true });
  },

  launch: (ctx) => ({
    file: ferretDbBinary(ctx.config.cacheDir),
    args: [
      '--listen-addr', `127.0.0.1:${ctx.ports.mongo}`,
      // FerretDB wants a directory URL ending with a slash.
      '--sqlite-url', `file:${join(ctx.dirs.data, 'mongo')}/`,
      '--log-level', 'warn',
    ],
    env: baseEnvironment({}),
  }),

  probe: (ctx) => mongoPings(ctx.endpoints.mongoUrl),
};
