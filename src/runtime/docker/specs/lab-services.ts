/**
 * The lab's own services (auth, profile) from the image built from this repository, one
 * container per replica, with the same environment the local runtime gives their processes.
 *
 * Limitation: both services bind 127.0.0.1 by design (AUTH_LIMITS.httpHost), which inside a
 * container of the lab network no published port could reach. Their containers therefore
 * share the host's network namespace and reach the stores through the ports published on
 * 127.0.0.1, as local processes do. This needs a Linux engine (Docker Desktop's host network
 * is the VM's). Once the services take their bind address from the environment
 * (AUTHLAB_HTTP_HOST=0.0.0.0), they can join the lab network and publish like the others.
 */
import type { LocalContext } from '../../local/local-context.js';
import { localService } from '../../local/services/index.js';
import type { ContainerSpec, HealthCheck } from '../container-spec.js';
import { stopTimeoutS, type SpecContext } from './spec-context.js';

export const SERVICE_ENTRY = Object.freeze({
  auth: 'dist/src/services/auth/main.js',
  profile: 'dist/src/services/profile/main.js',
});

/** The image has Node and nothing else: Node's fetch is the HTTP client. */
function nodeHealthcheck(url: string): HealthCheck {
  const script = `fetch(${JSON.stringify(url)})` +
    '.then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))';
  return { test: ['CMD', 'node', '-e', script], intervalS: 10, timeoutS: 5, retries: 3,
    startPeriodS: 5 };
}

function labServiceSpec(
  ctx: SpecContext, service: 'auth' | 'profile', replica: number, port: number,
  env: Record<string, string>, healthPath: string,
): ContainerSpec {
  const id = `${service}-${replica}`;
  return {
    service,
    replica,
    id,
    image: ctx.labServicesImage,
    cmd: [SERVICE_ENTRY[service]],
    env: { ...env, AUTHLAB_REPLICA: id, AUTHLAB_HTTP_PORT: String(port), TZ: 'UTC' },
    network: 'host',
    aliases: [],
    ports: [],
    boundPorts: [port],
    volumes: [],
    files: [],
    healthcheck: nodeHealthcheck(`http://127.0.0.1:${port}${healthPath}`),
    stopSignal: 'SIGTERM',
    stopTimeoutS: stopTimeoutS(ctx),
  };
}

export function authSpec(ctx: SpecContext, replica: number): ContainerSpec {
  return labServiceSpec(ctx, 'auth', replica, ctx.ports.auth(replica),
    ctx.labServiceEnv('auth', replica), '/healthz');
}

export function profileSpec(ctx: SpecContext, replica: number): ContainerSpec {
  return labServiceSpec(ctx, 'profile', replica, ctx.ports.profile(replica),
    ctx.labServiceEnv('profile', replica), '/healthz');
}

/** The local runtime's environment for a replica, less what only a host process needs. */
export function labServiceEnvironment(ctx: LocalContext) {
  return (service: 'auth' | 'profile', replica: number): Record<string, string> => {
    const env = localService(service).launch(ctx, replica).env;
    return Object.fromEntries(Object.entries(env)
      .filter((entry): entry is [string, string] =>
        entry[0].startsWith('AUTHLAB_') && typeof entry[1] === 'string'));
  };
}
