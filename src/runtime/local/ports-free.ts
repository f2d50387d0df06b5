/** Checks that the ports a lab needs are free before anything starts. */
import { readFileSync } from 'node:fs';
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

/**
 * The kernel picks source ports of outgoing connections from this range; a lab port inside it
 * can be taken by any client connection between our check and the component's bind.
 */
export function ephemeralOverlap(first: number, last: number): string | null {
  let range = '32768 60999';
  try {
    range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    // Not Linux, or no /proc: assume the kernel default.
  }
  const [low, high] = range.trim().split(/\s+/).map(Number) as [number, number];
  if (last < low || first > high) return null;
  return `ports ${first}-${last} overlap the kernel's ephemeral range ${low}-${high}, where ` +
    'outgoing connections may take them; a port base below ' +
    `${Math.max(1024, low - 100)} avoids that`;
}
