/**
 * The connection to the Docker engine. dockerode reads DOCKER_HOST (and DOCKER_TLS_VERIFY,
 * DOCKER_CERT_PATH) the way the docker CLI does; without it, the local socket.
 */
import Docker from 'dockerode';

import { LabError, describeError } from '../../errors.js';

const PING_TIMEOUT_MS = 5000;

export function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

export function createEngine(): Docker {
  return new Docker();
}

/** Throws UNAVAILABLE, saying where it looked and what to do, when no engine answers. */
export async function requireEngine(docker: Docker): Promise<Docker> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([docker.ping(), timeout]);
    return docker;
  } catch (error) {
    throw new LabError('UNAVAILABLE',
      `no Docker engine answers at ${engineAddress()} (${describeError(error)}); start Docker, ` +
      'or set DOCKER_HOST to the engine\'s socket, or use --runtime local',
      { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** The engine's status code of a failed call (404 when a container or image is missing). */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
