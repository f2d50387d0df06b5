/** Checks that the ports a lab needs are free before anything starts. */
import { createServer } from 'node:net';

import { LabError } from '../../errors.js';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

export async function assertPortsFree(wanted: Array<{ port: number; owner: string }>) {
  for (const { port, owner } of wanted) {
    if (!(await isPortFree(port))) {
      throw new LabError('PORT_IN_USE',
        `port ${port} (for ${owner}) is already in use by another process; free it or ` +
        'choose another base with --port-base or AUTHLAB_PORT_BASE');
    }
  }
}
